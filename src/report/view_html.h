/* What the two halves of the HTML report share: view_html.c writes the
 * page, its frame tables and samples; view_html_facts.c the rest of the
 * JSON document.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#ifndef AUSTINC_REPORT_VIEW_HTML_H
#define AUSTINC_REPORT_VIEW_HTML_H

#include <stdio.h>

#include "report/profile.h"

/* A JSON string that may sit in a <script> element: besides what JSON
 * needs, '<', '>' and '&' are \u escapes; bytes that are not UTF-8 become
 * U+FFFD. */
void html_put_string(FILE *out, const char *s);
/* A number as short as it reads: integers without a fraction, others
 * with 6 significant digits; null for what JSON cannot hold. */
void html_put_number(FILE *out, double v);
/* ,"key":v, or ,"key":null when not known. */
void html_put_optional(FILE *out, const char *key, int known, double v);

/* ,"series":[{name, pid, t, v}...]: the --system figures. */
void html_put_series(FILE *out, const struct profile *p);
/* ,"summary":{...}: what the header shows; 0, or -1 when out of memory. */
int html_put_summary(FILE *out, const struct profile *p);
/* ,"meta":[[key, value]...] */
void html_put_meta(FILE *out, const struct profile *p);
/* ,"marks":[{t, kind, pid, python}...]: kind "attach" or "exit", python
 * a string (attach) or null; nothing when p has no marks. */
void html_put_marks(FILE *out, const struct profile *p);

#endif
