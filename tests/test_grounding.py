"""Grounding: numbers in an answer must come from the turn's tool results."""

from assistant.chat.grounding import check_grounding, extract_numbers, mark_ungrounded

TOOL = {"win_rate": 0.2318, "revenue": 144880000.0, "leads": 2705, "label": "2026-Q3", "delta": -0.26}


def test_rates_render_as_percent_with_rounding() -> None:
    assert check_grounding("Win rate is 23.2%.", [TOOL]).ungrounded == []
    assert check_grounding("Win rate is 23%.", [TOOL]).ungrounded == []


def test_thousands_separators_and_multipliers() -> None:
    report = check_grounding("Revenue 144,880,000 (about 144.9M, 1.4億, 14,488万); 2,705 leads; 2.7K", [TOOL])
    assert report.ungrounded == []
    assert report.numbers == 6


def test_sign_dropped_and_json_text_sources() -> None:
    assert check_grounding("revenue moved down 26%", ['{"delta": -0.26}']).ungrounded == []


def test_invented_numbers_are_ungrounded_and_marked() -> None:
    report = check_grounding("Win rate is 31.7% and revenue 9,999.", [TOOL])
    assert report.ungrounded == ["31.7%", "9,999"]
    marked = mark_ungrounded("Win rate is 31.7%.", [TOOL])
    assert "31.7% [unverified]" in marked


def test_numbers_in_labels_and_question_are_grounded() -> None:
    assert check_grounding("In 2026-Q3 at +10%", [TOOL, "what if +10%?"]).ungrounded == []


def test_list_markers_and_identifiers_are_not_claims() -> None:
    mentions = extract_numbers("1. Check Q3 and v2\n2) done")
    assert mentions == []


def test_japanese_text_and_fullwidth_digits() -> None:
    report = check_grounding("受注率は２３．２％、リードは2,705件です。", [TOOL])
    assert report.numbers == 2
    assert report.ungrounded == []


def test_every_form_tools_wording_prints_is_grounded() -> None:
    from tools.wording import format_money, format_percent, format_points

    value, rate, delta = 69_580_025.0, 0.2318, 0.05
    texts = [format_money(value, "en", "JPY"), format_money(value, "en", "USD"), format_money(value, "ja", "JPY"),
             "約" + format_money(value, "ja", "JPY"), format_money(1.904e9, "ja", "JPY"), format_money(1.9e12, "en", "JPY"),
             format_percent(rate, "ja"), format_points(delta, "en"), format_points(delta, "ja")]
    report = check_grounding(" / ".join(texts), [{"v": value, "r": rate, "d": delta, "b": 1.904e9, "t": 1.9e12}])
    assert report.ungrounded == [] and report.numbers == len(texts)


def test_points_are_matched_as_percentage_points_not_plain_numbers() -> None:
    assert check_grounding("+5.0 pts", [{"points": 0.05}]).ungrounded == []
    assert check_grounding("+5.0 pts", [{"points": 5.3}]).ungrounded == ["+5.0 pts"]


def test_a_p_value_bound_is_a_threshold_not_a_claim() -> None:
    assert check_grounding("a real change (p<0.001)", [{}]).ungrounded == []
    assert check_grounding("p=0.012", [{"p_value": 0.0123}]).ungrounded == []


def test_figures_quoted_from_a_cited_passage_are_grounded_by_it() -> None:
    passage = {"excerpt": "Plan so the team reaches target at around 80% attainment; contact within 24 hours."}
    assert check_grounding("Plan for ~80% attainment and a 24-hour SLA.", [passage]).ungrounded == []
