"""``{% rating_row row %}`` and ``{% review_row row show_person=… %}``: the rows of the rating grids,
built by ``competencies.grids`` (one format string per row instead of a template loop's nodes)."""

from django import template

from competencies import grids

register = template.Library()


@register.simple_tag
def rating_row(row):
    return grids.rating_row(row)


@register.simple_tag
def review_row(row, show_person=False):
    return grids.review_row(row, show_person=bool(show_person))
