"""Figures of the charlm notebook. Nothing here is graded; every function draws numbers the notebook computed."""
