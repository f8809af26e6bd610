"""Many sites on one deployment: the site value, its keys, its hosts, and the lab page."""
