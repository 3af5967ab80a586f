"""Files in and out: user tables, annotation exports, consensus outputs, the Label Studio client."""
