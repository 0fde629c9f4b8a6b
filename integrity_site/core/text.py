from pypinyin import Style, lazy_pinyin


def pinyin_sort_key(text):
    """A key that sorts Chinese names by pinyin (then tones), Latin names alphabetically."""
    syllables = lazy_pinyin(text or "", style=Style.TONE3, errors="default")
    return " ".join(syllables).lower()[:255]
