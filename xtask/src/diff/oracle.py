# The oracle of `cargo xtask diff` and `cargo xtask table`: CPython's answer
# for each expression. Protocol, one request per stdin line:
#   E <text>  eval(text, NS)
#   C <text>  same, but first answer OUT if the text parses to something
#             outside calc-core's language (tuples, bytes, keywords...)
#   Q <text>  a session: the requests in <text>, separated by \x1e, each
#             eval(request, ns) with one ns = dict(NS) for all of them;
#             answered "OK " and what `session` below returns
# Every E and C request is evaluated in its own copy of NS when it could
# assign a name (`:=`), so that no case sees another's names.
#   S <text>  the subexpressions, for the shrinker: "SEG start:end:parent ..."
#   F         flush stdout (ends a batch)
# Answers: "OK <repr>", "ERR <Class> <message>", "OUT", "SLOW" (CPython took
# over CASE_SECONDS) or "SEG ...".
# In <text>, backslash, CR and LF arrive escaped as \\, \r and \n, so one
# request is one line whatever the expression holds.
import ast
import re
import signal
import sys
import types
import warnings

warnings.simplefilter("ignore")

# NS: oracle.rs puts crates/calc-core/python/calc_namespace.py (generated
# from calc-core's names) before this script.

OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
       ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd,
       ast.UAdd, ast.USub, ast.Invert, ast.Not, ast.And, ast.Or,
       ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
       ast.Load)
NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
         ast.IfExp, ast.Call, ast.Name, ast.Constant, ast.NamedExpr, ast.Store,
         ast.Tuple, ast.Subscript, ast.Attribute, ast.keyword) + OPS

# The attributes of the language's values but modules: methods and
# properties, outside the language (calc-core's TypeError "... is not
# supported").
TYPE_ATTRS = {name for t in (int, bool, float, complex, tuple, str, type(abs), type)
              for name in dir(t) if not name.startswith("__")}


class Unsupported(Exception):
    """A module attribute CPython has and calc-core does not implement."""


# The names of each module calc-core implements, as calc-core's
# src/module.rs: all of math's and all of cmath's.
MODULE_NAMES = {
    "math": [n for n in dir(NS["math"]) if not n.startswith("_")],
    "cmath": [n for n in dir(NS["cmath"]) if not n.startswith("_")],
}


def module_proxy(module):
    # A module with the implemented attributes of `module`, whose other
    # attributes raise Unsupported (the case is outside the language) and
    # whose missing ones are CPython's AttributeError.
    proxy = types.ModuleType(module.__name__)
    for name in MODULE_NAMES[module.__name__]:
        setattr(proxy, name, getattr(module, name))

    def missing(name):
        if hasattr(module, name):
            raise Unsupported(name)
        raise AttributeError("module '%s' has no attribute '%s'" % (module.__name__, name))

    proxy.__getattr__ = missing
    return proxy


for _module in MODULE_NAMES:
    NS[_module] = module_proxy(NS[_module])


def in_subset(tree):
    for node in ast.walk(tree):
        if not isinstance(node, NODES):
            return False
        if isinstance(node, ast.Constant) and type(node.value) not in (int, float, complex, bool, str):
            return False
        # printf-style formatting (a string with a `%` in it on the left
        # of `%`) is outside the language.
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                and "%" in node.left.value):
            return False
        # Keyword arguments, but not `**` unpacking.
        if isinstance(node, ast.keyword) and node.arg is None:
            return False
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            return False
        if isinstance(node, ast.Attribute) and (node.attr.startswith("__") or node.attr in TYPE_ATTRS):
            return False
        # An index, not a slice nor a tuple of them (`x[1, 2]`).
        if isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Slice, ast.Tuple)):
            return False
    return True


def segments(text):
    # Offsets index `text` itself, so they are shifted past the leading
    # blanks that eval() skips and the parser would reject.
    body = text.lstrip(" \t")
    shift = len(text) - len(body)
    tree = ast.parse(body, mode="eval")
    out = []
    index = {}

    def visit(node, parent):
        if isinstance(node, ast.expr):
            index[id(node)] = len(out)
            out.append("%d:%d:%d" % (node.col_offset + shift, node.end_col_offset + shift, parent))
            parent = index[id(node)]
        for child in ast.iter_child_nodes(node):
            visit(child, parent)

    visit(tree, -1)
    return "SEG " + " ".join(out)


UNESCAPE = {"\\": "\\", "n": "\n", "r": "\r"}


def unescape(text):
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: UNESCAPE.get(m.group(1), m.group(0)), text)


def oneline(text):
    return text.replace("\n", " ").replace("\r", " ")


class Slow(Exception):
    """CPython did not finish one case within CASE_SECONDS."""


# A case CPython itself cannot finish (a generator slip such as a factorial of
# a huge mutated count, or one that runs out of memory) is answered SLOW and skipped, instead of stalling the
# whole run; the summary counts it with the cases outside the language.
CASE_SECONDS = 2.0


def on_alarm(signum, frame):
    raise Slow()


signal.signal(signal.SIGALRM, on_alarm)


def answer(line):
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    try:
        return answer_untimed(line)
    except Slow:
        return "SLOW"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


SESSION_SEP = "\x1e"


def session(text):
    # Per request "OK <repr>" or "ERR <Class>" (no message: as for single
    # cases only the class must agree), joined by " | "; then " || " and
    # the names whose repr differs from NS's (or that NS lacks), sorted,
    # as "name=repr" joined by spaces.
    ns = dict(NS)
    steps = []
    for request in text.split(SESSION_SEP):
        try:
            steps.append("OK " + oneline(repr(eval(request, ns))))
        except (Slow, Unsupported):
            raise
        except MemoryError:
            return "SLOW"
        except Exception as e:
            steps.append("ERR " + type(e).__name__)
    names = []
    for name in sorted(ns):
        # An unchanged name is not shown (nor its repr asked for: the
        # modules' stand-ins answer only what calc-core implements).
        if name == "__builtins__" or (name in NS and ns[name] is NS[name]):
            continue
        try:
            shown = oneline(repr(ns[name]))
        except ValueError:
            shown = "!ValueError"
        if name in NS and shown == oneline(repr(NS[name])):
            continue
        names.append(name + "=" + shown)
    # A module's repr is not compared (calc-core prints CPython's for a
    # built-in module).
    if any("<module " in s for s in steps + names):
        return "OUT"
    return "OK " + " | ".join(steps) + " || " + " ".join(names)


def printf_style(text):
    # Whether `text` formats a string holding a `%` (which an escape such
    # as `\x25` can hide from the generator): outside the language, so not
    # compared. Text that does not compile is left to eval's own error.
    try:
        tree = compile(text.lstrip(" \t"), "<expr>", "eval", ast.PyCF_ONLY_AST)
    except (SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
        and "%" in node.left.value
        for node in ast.walk(tree))


def answer_untimed(line):
    mode, text = line[:1], unescape(line[2:])
    try:
        if mode == "S":
            return segments(text)
        if mode == "Q":
            return session(text)
        if mode == "C":
            # eval() skips leading blanks of a string; compile() does not.
            tree = compile(text.lstrip(" \t"), "<expr>", "eval", ast.PyCF_ONLY_AST)
            if not in_subset(tree):
                return "OUT"
            # From the text, not the tree: a name spelled in compatibility
            # characters that normalizes to `True` is a Name node, which
            # compile() refuses to take from a tree, and eval() evaluates.
            value = eval(text, dict(NS) if ":=" in text else NS)
        else:
            if "%" in text and ("'" in text or '"' in text) and printf_style(text):
                return "OUT"
            value = eval(text, dict(NS) if ":=" in text else NS)
        shown = oneline(repr(value))
        # A module's repr is not compared (calc-core prints CPython's for a
        # built-in module).
        if "<module " in shown:
            return "OUT"
        return "OK " + shown
    except SyntaxError as e:
        # IndentationError is a SyntaxError: its own class is compared.
        return "ERR %s %s" % (type(e).__name__, oneline(str(e.msg)))
    except Slow:
        raise
    except Unsupported:
        return "OUT"
    except MemoryError:
        # CPython could not build the value (e.g. a huge mutated shift
        # count): no answer to compare with, so skip it like a slow case.
        return "SLOW"
    except Exception as e:
        return "ERR %s %s" % (type(e).__name__, oneline(str(e)))


def main():
    out = sys.stdout
    # The first line names the interpreter, so the caller can refuse one
    # that is not CPython 3.11.
    out.write("READY %s %d.%d.%d\n" % ((sys.implementation.name,) + tuple(sys.version_info[:3])))
    out.flush()
    # Only "\n" ends a request: "\r" inside one arrives escaped anyway.
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line == "F":
            out.flush()
            continue
        out.write(answer(line) + "\n")
    out.flush()


main()
