"""Search backends of the site: Wagtail's, taught Chinese (see integrity_site.core.segmentation)."""
