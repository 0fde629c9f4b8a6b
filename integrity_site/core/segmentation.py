"""Chinese-aware tokens for search backends that split words only on spaces.

Chinese is written without spaces, so SQLite's FTS5 and PostgreSQL's text
search keep "儒信大讲堂在解放路街道举办" as one token and find nothing for 大讲堂.
We cut every run of CJK characters into overlapping two-character words
(bigrams), the scheme Elasticsearch's `cjk` analyser uses, and apply the same
cut to the text we index and to the query, so both sides meet:

    index "儒信大讲堂" -> 儒信 信大 大讲 讲堂 儒 信 大 讲 堂
    query "大讲堂"     -> 大讲 讲堂
    query "堂"         -> 堂

The single characters after the bigrams let one-character queries match; they
come after all bigrams so that a phrase of bigrams stays adjacent. Full-width
letters and digits are folded to half-width first (ＡＢＣ１２３ -> ABC123), and
a Latin word stuck to Chinese (B级企业) becomes its own token.
"""

import re
import unicodedata

CJK_CHARACTERS = (
    "\u3400-\u4dbf"  # CJK Unified Ideographs Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\U00020000-\U0002ebef"  # Extensions B to F
)
# Chinese runs, or words of other scripts; punctuation and symbols separate tokens
# and are dropped (they are syntax to FTS5 and tsquery, not words).
TOKEN = re.compile(rf"([{CJK_CHARACTERS}]+)|([^\W_{CJK_CHARACTERS}]+)")


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[index : index + 2] for index in range(len(run) - 1)]


def segment_text(text):
    """Tokens to index: bigrams of each Chinese run, then its single characters."""
    words, characters = [], []
    for chinese, other in TOKEN.findall(unicodedata.normalize("NFKC", text or "")):
        if chinese:
            words.extend(bigrams(chinese))
            if len(chinese) > 1:
                characters.extend(chinese)
        else:
            words.append(other)
    return " ".join(words + characters)


def query_tokens(text):
    """A query's tokens in order: bigrams of each Chinese run (one character alone stays)
    and the words of other scripts."""
    words = []
    for chinese, other in TOKEN.findall(unicodedata.normalize("NFKC", text or "")):
        words.extend(bigrams(chinese) if chinese else [other])
    return words


# A query's tokens are combined into one nested expression; past a few dozen,
# more words add nothing to a search box and only cost the database.
MAX_QUERY_TOKENS = 32


def segment_query(text):
    """Tokens to search for, each once, at most MAX_QUERY_TOKENS."""
    return " ".join(list(dict.fromkeys(query_tokens(text)))[:MAX_QUERY_TOKENS])


def segment_phrase(text):
    """A phrase's tokens in order, repeats kept, as the index holds them next to each
    other: 儒信大讲堂 -> 儒信 信大 大讲 讲堂."""
    return " ".join(query_tokens(text)[:MAX_QUERY_TOKENS])


def search_operator(queryset, query, search_query=None):
    """ "and" when every word of the query matches somewhere, else "or".

    Chinese typed without spaces is cut into bigrams, and words run together
    (泉城餐饮 for 泉城示范餐饮有限公司) give a bigram (城餐) that no text holds; rather
    than nothing, such a query gets the best partial matches, ranked. ``search_query``, when
    given, is what is searched for ``query`` (a modelsearch query, with synonyms).
    """
    searched = query if search_query is None else search_query
    if len(segment_query(query).split()) > 1 and not queryset.search(searched, operator="and").count():
        return "or"
    return "and"


def query_phrases(text):
    """The phrases a query is made of, as typed: a part written without spaces is one
    phrase (宽厚里, 诚信经营, B级企业); parts separated by spaces are separate phrases in
    Chinese (街区 诚信经营) but one in other scripts (credit demonstration block). Parts
    without a word (punctuation) are dropped."""
    phrases = []
    for part in unicodedata.normalize("NFKC", text or "").split():
        if not TOKEN.search(part):
            continue
        has_chinese = any(chinese for chinese, _other in TOKEN.findall(part))
        if phrases and not has_chinese and not phrases[-1][1]:
            phrases[-1] = (f"{phrases[-1][0]} {part}", False)
        else:
            phrases.append((part, has_chinese))
    return [phrase for phrase, _has_chinese in phrases]
