"""Pages of a list without counting it (QUALITY.md PF-3: no COUNT(*) over heavy
querysets). One more row than the page is fetched to know whether a next page
exists; the template gets what a Django `Page` offers for previous/next links."""

from dataclasses import dataclass


@dataclass
class CountlessPage:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def page_without_count(queryset, *, per_page: int, number) -> CountlessPage:
    try:
        page = max(1, int(number))
    except (TypeError, ValueError):
        page = 1
    start = (page - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and page > 1:
        return page_without_count(queryset, per_page=per_page, number=1)
    return CountlessPage(rows[:per_page], page, len(rows) > per_page)
