"""One router per resource; routes never import each other."""
