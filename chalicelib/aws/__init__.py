"""The AWS edge: S3 content, stage records, SDK errors, and the embedded moto."""
