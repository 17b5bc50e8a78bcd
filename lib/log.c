/* log.c: one structured line per event on stderr. Callers never pass secrets;
 * ID and phone numbers go through mask_id/mask_mobile first. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "portal.h"

static char logprog[32] = "portal";

void
log_init(const char *prog)
{
	snprintf(logprog, sizeof(logprog), "%s", prog);
	setvbuf(stderr, NULL, _IOLBF, 0);
}

static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "ts=%s level=%s prog=%s pid=%d ", ts, level, logprog,
	    (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warn", fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}

/* Keeps the first `head` and last `tail` bytes, stars in between. */
static const char *
mask(const char *s, size_t head, size_t tail, char *buf, size_t bufsz)
{
	size_t len, i;

	if (bufsz == 0)
		return "";
	if (s == NULL) {
		buf[0] = '\0';
		return buf;
	}
	len = strlen(s);
	if (len >= bufsz)
		len = bufsz - 1;
	for (i = 0; i < len; i++)
		buf[i] = (i < head || i + tail >= len) ? s[i] : '*';
	if (len <= head + tail)	/* too short to show anything safely */
		memset(buf, '*', len);
	buf[len] = '\0';
	return buf;
}

const char *
mask_id(const char *s, char *buf, size_t bufsz)
{
	return mask(s, 4, 4, buf, bufsz);
}

const char *
mask_mobile(const char *s, char *buf, size_t bufsz)
{
	return mask(s, 3, 4, buf, bufsz);
}
