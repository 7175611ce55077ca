"""Generators of the checks' expected data (build-time only; imports the reference).

Each module defines ``generate() -> {exercise_name: cases}``; tutorial/build.py writes
``course/data/expected/<exercise_name>.json`` from it (arrays are stored with dtype
and shape; floats rounded to 12 significant digits). The checks read the inputs from
the same file, so inputs are written once, here.
"""
