"""Sources whose syntax trees `ast.dump` writes differently from one Python version to the
next (or that are easy to misread), for the tests of ledger fingerprints across versions.
Each parses on Python 3.11."""

from __future__ import annotations

SOURCES = {
    "docstrings": (
        '"""  Module docstring.\n\n    Indented more.\n"""\n\n\n'
        "def f():\n    '''  Doc\n        deeper\n    '''\n    return 1\n\n\n"
        'class C:\n    """C.\n\n\tTabbed."""\n\n'
        "    async def g(self):\n        '  short  '\n"
    ),
    "fstrings": (
        "a = f'{x!r:>{w}}'\n"
        "b = f'{p.name:<{width}} | '\n"
        'c = f"{x=}" f"{y = !s:^10}"\n'
        "d = f'{x:}' f'{x!r:}' f''\n"
        'e = f"{x:{y}}{z:{w}.{v}f}" "" f"" "tail"\n'
        "g = f'{{literal}} {x:%Y-%m-%d} {\"nested\"}'\n"
        "h = f'''multi\n{x}\nline'''\n"
        "i = rf'\\d{x}' + fr'{y}\\n'\n"
    ),
    "comments": (
        "# leading\n#: marker\n#\n#    indented text\n"
        "x = 1  # trailing\n"
        "y = '#not a comment'  ## two hashes\n"
        "z = (1,  # inside brackets\n     2)\n"
        "def f():  # after a colon\n    pass  # last\n"
    ),
    "nested_classes": (
        "class Outer:\n    class Inner:\n        class Innermost:\n"
        "            '''Doc.'''\n            x: int = 1\n\n"
        "        def method(self) -> 'Outer.Inner':\n            return self\n"
        "    def make(self):\n        class Local:\n            pass\n        return Local\n"
    ),
    "decorators": (
        "import functools\n\n\n"
        "@functools.lru_cache(maxsize=None)\n@staticmethod\ndef f(x, /, y=2, *a, z, **k):\n"
        "    return x\n\n\n"
        "@dataclass(frozen=True)\nclass D(Base, metaclass=Meta):\n    x: int\n\n"
        "    @property\n    async def p(self) -> None:\n        async with a as b, c:\n"
        "            async for i in b:\n                await i\n"
    ),
    "type_hints": (
        "from typing import Generic, TypeVar\n\n"
        "T = TypeVar('T')\n\n\n"
        "class Box(Generic[T]):\n    value: T\n    items: list[dict[str, int | None]] = []\n\n"
        "    def get(self, default: T | None = None, *, key: 'str' = '') -> T:\n"
        "        return self.value\n\n\n"
        "async def run(*args: int, **kwargs: str) -> None: ...\n"
        "x: int\nlambda a, *, b=1: (yield)\n"
    ),
    "match": (
        "match command.split():\n"
        "    case [action]:\n        pass\n"
        "    case ['go', direction] | ['move', direction] if direction:\n        pass\n"
        "    case {'x': 1, **rest}:\n        pass\n"
        "    case Point(x=0, y=None) as p:\n        pass\n"
        "    case [1, 2, *others]:\n        pass\n"
        "    case None | True | -1 | 1.5j | 'a' 'b':\n        pass\n"
        "    case _:\n        '''not a docstring'''\n"
    ),
    "statements": (
        "from . import sibling\nfrom ..parent import (a as b, c)\nimport os.path as p\n"
        "global g\ndel x[0], y.z\nassert x, 'message'\nraise E from None\n"
        "try:\n    pass\nexcept* ValueError as e:\n    pass\nelse:\n    pass\n"
        "try:\n    pass\nexcept (A, B):\n    pass\nfinally:\n    pass\n"
        "while (n := n - 1) > 0:\n    continue\nelse:\n    pass\n"
        "with (open(a) as f, open(b) as g):\n    x[1:2, ::3] = ...\n"
        "for i, *j in zip():\n    x @= {**k, 'a': [*l]}\n"
        "r = [i async for i in a if i for j in b] or {i: j for i, j in c} and (i for i in d)\n"
        "s = b'bytes' + u'unicode' + 'a' 'b' + (not x) + (-y) + ~z + x if y else z\n"
        "t = None, True, False, 1_000, 0x1F, 1e10, 2j, ..., -0.0\n"
    ),
}

# Syntax only newer interpreters parse: an owner may write it; its shape must be the same text
# on every interpreter that parses it.
NEWER_SOURCES = {
    "type_params_3_12": (
        "type Pair[T] = tuple[T, T]\n"
        "def first[T: (int, str), *Ts, **P](x: T) -> T:\n    return x\n"
        "class Box[T: int]:\n    pass\n"
        "x = f'{'nested same quotes'}'  # comment\n"
    ),
}
