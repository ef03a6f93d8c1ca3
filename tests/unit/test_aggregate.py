from ztmo.aggregate import format_mean, summarize_ratings, word_frequencies


def test_ratings_are_counted_and_averaged_ignoring_invalid_values():
    s = summarize_ratings(["4", "5", 3, "x", "9", " 4 "])
    assert s.counts == {1: 0, 2: 0, 3: 1, 4: 2, 5: 1}
    assert s.n == 4 and s.mean == 4.0


def test_no_ratings_means_no_average():
    s = summarize_ratings([])
    assert s.n == 0 and s.mean is None and format_mean(s.mean) == "–"


def test_words_counted_once_per_answer_without_small_words():
    freq = word_frequencies(["Veilig en warm", "warm, WARM!", "een plek met mensen", "veilig"])
    assert freq[:2] == [("veilig", 2), ("warm", 2)]
    assert ("en", 1) not in freq and ("een", 1) not in freq
    assert dict(freq)["plek"] == 1


def test_dutch_mean_format():
    assert format_mean(3.456) == "3,5"
