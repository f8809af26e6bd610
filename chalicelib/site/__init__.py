"""The site: content files -> validated model -> HTML, feed and sitemap (pure)."""
