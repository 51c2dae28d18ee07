"""Package data: the grammar of the rubric language (installed as rubricdsl.grammars)."""
