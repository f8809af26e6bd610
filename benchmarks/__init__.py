"""`make bench`: the performance figures, one line each as `name: value unit`."""
