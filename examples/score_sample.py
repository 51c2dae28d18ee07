"""Score the fictitious Yaohai 2021 sample with the 2020 Anhui rubric and print the points lost.

Run from anywhere: python examples/score_sample.py
"""

from pathlib import Path

import rubricdsl

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    rubric = rubricdsl.load(ROOT / "rubrics" / "2020" / "anhui-quality-county.rubric")
    data = rubricdsl.read_data(ROOT / "examples" / "yaohai-2021.yaml")
    result = rubric.evaluate(data.indicators)

    print(f"{data.meta.get('district')}: total {result.total}")
    print(
        f"  base {result.base} (raw {result.base_raw}, 合理缺项 {result.na_points}), "
        f"bonus {result.bonus}"
    )
    if result.vetoes:
        print("  failed by veto:", "; ".join(veto.text for veto in result.vetoes))

    print("Points lost, largest first:")
    lost = [
        (rule.lost, item, rule) for item in result.items for rule in item.rules if rule.lost > 0
    ]
    for points, item, rule in sorted(lost, key=lambda entry: -entry[0]):
        print(f"  {points:>4}  item {item.id:>2} {item.title}: {rule.text}  [{rule.values_text()}]")
    for item in result.items:
        if item.unreachable > 0:
            print(
                f"  {item.unreachable:>4}  item {item.id:>2} {item.title}: "
                "no rule of the table can award these points"
            )


if __name__ == "__main__":
    main()
