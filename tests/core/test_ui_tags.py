"""The design system's template tags (core/templatetags/ui.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


class TestStarBadge:
    def test_japanese_badge_shows_the_glyph_and_speaks_a_phrase(self):
        with translation.override("ja"):
            html = render("{% star_badge 3 %}")
        assert 'class="badge badge--star3"' in html
        assert '<span class="badge__star" aria-hidden="true">★3</span>' in html
        assert '<span class="visually-hidden">星3つ（Basic）</span>' in html

    def test_english_badge(self):
        with translation.override("en"):
            html = render("{% star_badge 4 show_name=True %}")
        assert "badge--star4" in html
        assert '★4 <span class="badge__name">Standard</span>' in html
        assert "Star 4 (Standard)" in html

    @pytest.mark.parametrize("level", [4, "4", "★4", "star4"])
    def test_accepts_the_usual_spellings_of_a_level(self, level):
        assert "badge--star4" in render("{% star_badge level %}", level=level)

    def test_star5_has_no_name_yet(self):
        with translation.override("ja"):
            html = render("{% star_badge 5 show_name=True large=True %}")
        assert "badge--star5 badge--large" in html
        assert "badge__name" not in html
        assert "星5つ" in html

    @pytest.mark.parametrize("level", [2, "six", None])
    def test_rejects_what_is_not_a_level(self, level):
        with pytest.raises(TemplateSyntaxError):
            render("{% star_badge level %}", level=level)


class TestBadge:
    def test_tone_and_escaped_text(self):
        html = render('{% badge text "warning" %}', text="<b>Expires</b>")
        assert html == '<span class="badge badge--warning">&lt;b&gt;Expires&lt;/b&gt;</span>'

    def test_unknown_tone_fails_loudly(self):
        with pytest.raises(TemplateSyntaxError):
            render('{% badge "x" "pink" %}')

    def test_include_defaults_to_neutral(self):
        html = Template('{% include "includes/badge.html" with text="Draft" %}').render(Context())
        assert 'class="badge badge--neutral">Draft<' in html


class TestNavCurrent:
    @pytest.mark.parametrize(
        ("path", "current", "exact", "expected"),
        [
            ("/catalogue/", "/catalogue/", False, True),
            ("/catalogue/", "/catalogue/star3/", False, True),
            ("/catalogue/", "/wizard/", False, False),
            ("/", "/catalogue/", True, False),
            ("/", "/", True, True),
        ],
    )
    def test_marks_the_current_section(self, path, current, exact, expected):
        request = RequestFactory().get(current)
        html = render(
            "<a{% nav_current path exact=exact %}>", request=request, path=path, exact=exact
        )
        assert (html == '<a aria-current="page">') is expected

    def test_without_a_request_marks_nothing(self):
        assert render('<a{% nav_current "/" %}>') == "<a>"


class TestTimeTag:
    def test_japanese_date(self):
        with translation.override("ja"):
            html = render("{% time_tag day %}", day=dt.date(2026, 11, 25))
        assert html == '<time datetime="2026-11-25">2026年11月25日</time>'

    def test_english_short_date(self):
        with translation.override("en"):
            html = render('{% time_tag day "SHORT_DATE_FORMAT" %}', day=dt.date(2026, 11, 25))
        assert html == '<time datetime="2026-11-25">2026-11-25</time>'

    def test_aware_datetime_is_shown_in_tokyo_time(self):
        moment = dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC)
        with translation.override("ja"):
            html = render('{% time_tag moment "DATETIME_FORMAT" %}', moment=moment)
        assert html == '<time datetime="2026-11-26T01:30+09:00">2026年11月26日 1:30</time>'

    def test_nothing_for_a_missing_date(self):
        assert render("{% time_tag None %}") == ""


class TestCapture:
    def test_captured_output_is_trimmed_and_placed_later(self):
        html = render("{% capture as x %}  <li>a</li> {% endcapture %}[{{ x }}]")
        assert html == "[<li>a</li>]"

    def test_empty_capture_is_falsy(self):
        assert (
            render("{% capture as x %} {% endcapture %}{% if x %}yes{% else %}no{% endif %}")
            == "no"
        )

    def test_usage_errors(self):
        with pytest.raises(TemplateSyntaxError):
            render("{% capture x %}{% endcapture %}")


class TestPagination:
    def test_elided_range_around_the_current_page(self):
        page = Paginator(range(200), 10).page(7)
        numbers = render("{% elided_page_range page as n %}{{ n|join:',' }}", page=page)
        assert numbers == "1,…,5,6,7,8,9,…,20"

    def test_include_keeps_other_query_parameters(self):
        request = RequestFactory().get("/registry/", {"q": "株式会社", "page": "2"})
        page = Paginator(range(30), 10).page(2)
        with translation.override("en"):
            html = Template('{% include "includes/pagination.html" %}').render(
                RequestContext(request, {"page_obj": page})
            )
        assert 'aria-label="Pagination"' in html
        assert (
            '<span aria-current="page"><span class="visually-hidden">Page </span>2</span>' in html
        )
        assert 'href="?q=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&amp;page=3" rel="next"' in html

    def test_single_page_renders_nothing(self):
        page = Paginator(range(5), 10).page(1)
        html = Template('{% include "includes/pagination.html" %}').render(
            RequestContext(RequestFactory().get("/"), {"page_obj": page})
        )
        assert html.strip() == ""


class CompanyForm(forms.Form):
    name = forms.CharField(label="Company name", help_text="As registered.")
    agree = forms.BooleanField(label="I agree")
    notes = forms.CharField(label="Notes", required=False)


class TestFormField:
    def test_invalid_field_is_labelled_described_and_marked(self):
        form = CompanyForm(data={"name": ""})
        with translation.override("ja"):
            html = render("{% form_field form.name %}", form=form)
        assert (
            '<label for="id_name">Company name <span class="required">※必須</span></label>' in html
        )
        assert '<p class="help" id="id_name_helptext">As registered.</p>' in html
        assert '<ul class="field-error" id="id_name_error">' in html
        assert 'aria-invalid="true"' in html
        assert 'aria-describedby="id_name_helptext id_name_error"' in html
        assert "form-field--invalid" in html

    def test_optional_field_has_no_required_marker(self):
        html = render("{% form_field form.notes %}", form=CompanyForm())
        assert "required" not in html
        assert "aria-invalid" not in html

    def test_checkbox_label_wraps_the_input(self):
        html = render("{% form_field form.agree %}", form=CompanyForm())
        assert '<label class="choice" for="id_agree"><input type="checkbox"' in html


def test_tokyo_is_the_default_time_zone(settings):
    assert ZoneInfo(settings.TIME_ZONE) == ZoneInfo("Asia/Tokyo")
