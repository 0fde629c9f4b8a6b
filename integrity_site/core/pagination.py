from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def paginate(request, object_list, per_page, parameter="page"):
    """One page of results; a missing, malformed or out-of-range page number
    gives the nearest real page rather than an error."""
    paginator = Paginator(object_list, per_page)
    number = request.GET.get(parameter, 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
