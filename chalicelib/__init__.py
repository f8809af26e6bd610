"""acadpage: a serverless academic homepage."""
