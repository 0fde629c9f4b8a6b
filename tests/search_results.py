"""What a resident sees of a site search: the titles of the pages found, in order."""


def found_titles(client, query, prefix=""):
    """The result titles of ``{prefix}/search/?q=query`` (prefix "/en" for the English site)."""
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.status_code == 200
    return [page.title for page in response.context["results"]]
