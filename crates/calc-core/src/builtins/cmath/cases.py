# Writes cases.txt beside this file: CPython 3.11's answers for cmath's
# complex functions on every pair of special-value classes (the tables),
# on delicate finite arguments (huge, tiny, subnormal, near |z| = 1, near
# the branch points, where exp and cosh overflow), for rect's special
# values and for log with a base. Run with python3 3.11:
#   python3 crates/calc-core/src/builtins/cmath/cases.py
import cmath
import os

inf = float("inf")
nan = float("nan")

FUNCS = ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos",
         "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"]
INF = float("inf")
SPECIAL = [-INF, -2.3, -0.0, 0.0, 2.3, INF, float("nan")]
FINITE = [
    (1e-310, 1e-310), (5e-324, 0.0), (0.0, -5e-324), (1.5e308, 1.5e308),
    (-1.5e308, 1e308), (1e308, -1e-308), (710.0, 1.0), (-710.0, 1.0),
    (800.0, 0.5), (-800.0, 3.0), (709.5, 1e-300), (1.0, 1e-200),
    (1.0, -1e-160), (1.0, 0.0), (-1.0, 0.0), (-1.0, -0.0), (0.9, 0.3),
    (0.6, 0.8), (0.5, -0.5), (1.2, 0.1), (-2.0, 0.0), (-2.0, -0.0),
    (0.0, 2.0), (-0.0, -2.0), (2.0, 1e200), (1e-200, 1e200), (3.0, 4.0),
    (-3.0, -4.0), (1e154, 1e154), (1e-154, 1.0), (0.3, 0.0), (1e20, 0.0),
    (20.0, 1e-20), (0.0, 1.0), (0.0, -1.0), (0.0, 1.0000000001),
    (1e300, 1e-300), (-1e-300, 1e300), (1e-160, 1e-170), (0.7, 0.7),
]


def text(x):
    if x != x:
        return "nan"
    if x in (INF, -INF):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def answer(expr):
    try:
        return repr(eval("cmath." + expr))
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)


lines = []
for f in FUNCS:
    for re in SPECIAL:
        for im in SPECIAL:
            lines.append("%s(complex(%s, %s))" % (f, text(re), text(im)))
    for re, im in FINITE:
        lines.append("%s(complex(%s, %s))" % (f, text(re), text(im)))
RECT = SPECIAL + [1e308, -1e-310, 1.0, 3.0]
for r in RECT:
    for phi in RECT:
        lines.append("rect(%s, %s)" % (text(r), text(phi)))
BASES = ["0", "1", "2", "-1", "0.5", "1j", "complex(0.0, -0.0)", "inf",
         "nan", "complex(1.0, 1e-300)", "1e308", "5e-324", "complex(-inf, nan)"]
for z in ["0", "1", "2", "-3", "1j", "inf", "nan", "1e-320", "complex(3.0, -4.0)"]:
    for b in BASES:
        lines.append("log(%s, %s)" % (z, b))
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "cases.txt"), "w") as out:
    for expr in lines:
        out.write("%s\t%s\n" % (expr, answer(expr)))
