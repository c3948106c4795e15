// SPDX-License-Identifier: GPL-2.0
/*
 * values.c - numbers, byte strings and errno names as scenarios write
 * them, and "did you mean" suggestions.
 */
#include <glib.h>		/* before kernel headers: they define noinline */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"

/*
 * Decimal or 0x hexadecimal, with an optional K, M or G suffix (powers of
 * 1024).  No sign, no spaces, no overflow.
 */
bool sc_parse_number(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	uint64_t v = 0;
	int base = 10;
	size_t len;

	if (!s || !*s)
		return false;
	len = strlen(s);
	switch (s[len - 1]) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	}
	if (shift)
		len--;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d;

		if (isdigit((unsigned char)s[i]))
			d = s[i] - '0';
		else if (base == 16 && isxdigit((unsigned char)s[i]))
			d = tolower((unsigned char)s[i]) - 'a' + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "text" with C escapes. */
static bool parse_quoted(const char *s, GByteArray *b, char **why)
{
	size_t len = strlen(s);

	if (len < 2 || s[len - 1] != '"') {
		*why = g_strdup("the string has no closing quote");
		return false;
	}
	for (size_t i = 1; i < len - 1; i++) {
		guint8 c = s[i];

		if (c == '\\' && i + 1 < len - 1) {
			char e = s[++i];

			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x':
				if (i + 2 < len - 1 && hexval(s[i + 1]) >= 0 &&
				    hexval(s[i + 2]) >= 0) {
					c = hexval(s[i + 1]) * 16 +
					    hexval(s[i + 2]);
					i += 2;
					break;
				}
				/* fall through */
			default:
				*why = g_strdup_printf("unknown escape '\\%c' (use \\n, \\t, \\r, \\0, \\\\, \\\" or \\xHH)",
						       e);
				return false;
			}
		}
		g_byte_array_append(b, &c, 1);
	}
	return true;
}

/*
 * Bytes: "text", an even number of hex digits (5a5a00ff), or a repeated
 * byte BYTE*COUNT (5a*4K).  Several may be joined with '+':
 * "hdr"+00*12.
 */
bool sc_parse_bytes(const char *s, GByteArray **out, char **why)
{
	GByteArray *b = g_byte_array_new();
	char **parts = NULL;
	bool ok = false;

	*why = NULL;
	if (s[0] == '"') {
		ok = parse_quoted(s, b, why);
		goto out;
	}
	parts = g_strsplit(s, "+", -1);
	for (char **p = parts; *p; p++) {
		const char *star = strchr(*p, '*');

		if (**p == '"') {
			if (!parse_quoted(*p, b, why))
				goto out;
		} else if (star) {
			char *byte = g_strndup(*p, star - *p);
			const char *hex = byte;
			uint64_t n, v = 0;
			bool ok_byte;

			/* The byte is hex, as everywhere in bytes: 5a, 0x5a. */
			if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
				hex += 2;
			ok_byte = *hex && strlen(hex) <= 2;
			for (const char *h = hex; ok_byte && *h; h++) {
				ok_byte = hexval(*h) >= 0;
				v = v * 16 + (ok_byte ? hexval(*h) : 0);
			}
			if (!ok_byte || !sc_parse_number(star + 1, &n) ||
			    n > (64u << 20)) {
				*why = g_strdup_printf("'%s' is not BYTE*COUNT (write 5a*64 or 0*4K)",
						       *p);
				g_free(byte);
				goto out;
			}
			g_free(byte);
			for (uint64_t i = 0; i < n; i++) {
				guint8 c = v;

				g_byte_array_append(b, &c, 1);
			}
		} else {
			size_t len = strlen(*p);

			if (!len || len % 2) {
				*why = g_strdup_printf("'%s' is not an even number of hex digits (write 5a5a00ff, \"text\" or 5a*64)",
						       *p);
				goto out;
			}
			for (size_t i = 0; i < len; i += 2) {
				int hi = hexval((*p)[i]), lo = hexval((*p)[i + 1]);
				guint8 c;

				if (hi < 0 || lo < 0) {
					*why = g_strdup_printf("'%s' is not hex bytes (write 5a5a00ff, \"text\" or 5a*64)",
							       *p);
					goto out;
				}
				c = hi * 16 + lo;
				g_byte_array_append(b, &c, 1);
			}
		}
	}
	ok = true;
out:
	g_strfreev(parts);
	if (!ok) {
		g_byte_array_unref(b);
		return false;
	}
	*out = b;
	return true;
}

int sc_errno_from_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return 0;
}

const char *sc_errno_name(int err)
{
	static __thread char buf[32];
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static unsigned int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned int *row = g_new(unsigned int, lb + 1);
	unsigned int d;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	d = row[lb];
	g_free(row);
	return d;
}

/* The candidate closest to @word if it is close enough to be a typo. */
const char *sc_closest(const char *word, const char *const *cands,
		       unsigned int n)
{
	unsigned int best = UINT32_MAX, limit;
	const char *pick = NULL;

	limit = strlen(word) / 3;
	if (limit < 2)
		limit = 2;
	for (unsigned int i = 0; i < n; i++) {
		unsigned int d;

		if (!cands[i])
			continue;
		d = distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return best <= limit ? pick : NULL;
}

char *sc_format_bytes(const guint8 *data, size_t len)
{
	GString *s = g_string_new(NULL);
	bool in_literal = false;
	size_t i, run;

	/*
	 * Segments joined by '+', as sc_parse_bytes() reads them: a run of
	 * eight or more equal bytes is BYTE*COUNT, the rest is hex.
	 */
	for (i = 0; i < len; i += run) {
		for (run = 1; i + run < len && data[i + run] == data[i]; run++)
			;
		if (run >= 8) {
			g_string_append_printf(s, "%s%02x*%zu", s->len ? "+" : "",
					       data[i], run);
			in_literal = false;
			continue;
		}
		if (!in_literal && s->len)
			g_string_append_c(s, '+');
		in_literal = true;
		for (size_t k = 0; k < run; k++)
			g_string_append_printf(s, "%02x", data[i + k]);
	}
	if (!len)
		g_string_append(s, "\"\"");
	return g_string_free(s, FALSE);
}

char *sc_format_num(uint64_t v)
{
	if (v < 10)
		return g_strdup_printf("%" G_GUINT64_FORMAT, v);
	return g_strdup_printf("%#" G_GINT64_MODIFIER "x", v);
}
