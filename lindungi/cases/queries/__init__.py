"""Reading cases for pages: the caseload (``paging``: one page in a chosen order;
``rows``: what each row shows; ``filters``; ``search``; ``survivors``: the SQL about a
case's survivors that rows and filters share) and the case page (``case_parts``). Callers
pass querysets that the access module has already narrowed."""
