/* The main program of a "stripped twin" of an interpreter: linked with its
 * static libpython, without exporting any symbol, then stripped, so that
 * nothing in the executable names the runtime (tests/functional/
 * test_stripped.py).
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include <Python.h>

#if PY_MAJOR_VERSION < 3
int main(int argc, char **argv)
{
	return Py_Main(argc, argv);
}
#elif PY_VERSION_HEX < 0x03080000
#include <stdlib.h>

int main(int argc, char **argv)
{
	wchar_t **wargv = calloc((size_t)argc + 1, sizeof *wargv);
	for (int i = 0; wargv && i < argc; i++)
		wargv[i] = Py_DecodeLocale(argv[i], NULL);
	return wargv ? Py_Main(argc, wargv) : 1;
}
#else
int main(int argc, char **argv)
{
	return Py_BytesMain(argc, argv);
}
#endif
