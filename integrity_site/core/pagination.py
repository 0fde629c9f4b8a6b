from django.core.paginator import Paginator


def paginate(request, object_list, per_page, parameter="page"):
    """One page of results; a missing, malformed or out-of-range page number gives the
    nearest real page rather than an error (``Paginator.get_page``)."""
    return Paginator(object_list, per_page).get_page(request.GET.get(parameter))
