/*
 * RFC 3339 timestamps, as Kubernetes writes creationTimestamp
 * ("2024-05-01T12:00:00Z", optionally with a fraction or an offset). Only
 * the order of objects depends on it, so no time zone database is needed.
 */
#include "internal.h"

static int digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
	size_t i;
	int v = 0;

	if (at + count > n)
		return -1;
	for (i = at; i < at + count; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int ingroute__parse_rfc3339(const char *s, size_t n, int64_t *sec,
                            int32_t *nsec)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, ss, oh, om;
	int64_t frac = 0, scale = 1000000000, t;
	size_t i = 19;

	if (digits(s, n, 0, 4, &y) || n < 20 || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s, n, 11, 2, &h) || s[13] != ':' ||
	    digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, n, 17, 2, &ss))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || ss > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	if (s[i] == '.') {
		size_t start = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (s[i] - '0') * scale;
			}
			i++;
		}
		if (i == start)
			return -1;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + ss;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;

		if (digits(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
		    digits(s, n, i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		t -= sign * (oh * 3600 + om * 60);
		i += 6;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	/* Seconds and nanoseconds apart: years 1 to 9999 overflow an int64
	 * count of nanoseconds. */
	*sec = t;
	*nsec = (int32_t)frac;
	return 0;
}
