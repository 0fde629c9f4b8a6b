"""Search backends of the site: Wagtail's, taught Chinese (see search.segmentation)."""
