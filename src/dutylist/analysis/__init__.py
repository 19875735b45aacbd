"""Whole-space analysis: each problem's case space cut into cells, and what each cell gets."""
