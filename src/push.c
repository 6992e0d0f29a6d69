/* --push: recordings to Grafana Pyroscope as pprof profiles.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "push.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privilege.h"

static char private_dir[PATH_MAX];
static char private_pattern[PATH_MAX];

int push_private_output(struct options *o, char *why, size_t len)
{
	const char *tmp = privilege_getenv("TMPDIR");
	snprintf(private_dir, sizeof private_dir, "%s/austinc-push.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(private_dir)) {
		snprintf(why, len, "cannot make a directory for --push: %s",
		         strerror(errno));
		return -1;
	}
	static const char name[] = "/%Y%m%dT%H%M%S.txt";
	size_t n = strlen(private_dir);
	if (n + sizeof name > sizeof private_pattern) {
		snprintf(why, len, "TMPDIR is too long for --push");
		rmdir(private_dir);
		return -1;
	}
	memcpy(private_pattern, private_dir, n);
	memcpy(private_pattern + n, name, sizeof name);
	o->output = private_pattern;
	o->push_private = true;
	return 0;
}

void push_private_output_remove(const struct options *o)
{
	if (o->push_private && rmdir(private_dir) != 0)
		log_warning("cannot remove %s: %s", private_dir,
		            strerror(errno));
}

#ifndef HAVE_CURL

struct pusher *pusher_start(const struct options *o, char *why, size_t len)
{
	(void)o;
	snprintf(why, len, "--push: this austinc was built without libcurl");
	return NULL;
}

void pusher_add(struct pusher *p, const char *path, time_t from, time_t until,
                int remove)
{
	(void)p, (void)path, (void)from, (void)until, (void)remove;
}

void pusher_finish(struct pusher *p, struct push_counts *counts)
{
	(void)p;
	memset(counts, 0, sizeof *counts);
}

#else

#include <curl/curl.h>

#include "report/profile.h"
#include "report/read_many.h"
#include "report/views.h"

struct period {
	char path[PATH_MAX];
	time_t from, until;
	int remove;
};

struct pusher {
	const struct options *o;
	char *credentials; /* the --push-auth file's line, or NULL */
	char *name;        /* APP{labels}, as the server files the profiles */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct period queue[PUSH_QUEUE];
	size_t head, n;
	int busy;     /* the head is being pushed: never dropped */
	int stopping; /* no more periods come */
	time_t deadline;
	struct push_counts counts;
};

/* The first line of the credentials file, whitespace around it removed. */
static char *read_credentials(const char *path, char *why, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[4096];
	if (!f || !fgets(line, sizeof line, f)) {
		snprintf(why, len, "cannot read --push-auth file %s: %s", path,
		         f ? "it is empty" : strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	char *start = line, *end = line + strlen(line);
	while (*start == ' ' || *start == '\t')
		start++;
	while (end > start && strchr(" \t\r\n", end[-1]))
		end--;
	*end = '\0';
	if (!*start) {
		snprintf(why, len, "--push-auth file %s holds no credentials",
		         path);
		return NULL;
	}
	char *copy = strdup(start);
	if (!copy)
		snprintf(why, len, "out of memory");
	return copy;
}

/* Drop what is waiting, oldest first, until there is room; the file of a
 * dropped private period goes. */
static void make_room(struct pusher *p)
{
	while (p->n == PUSH_QUEUE) {
		/* The head is in flight when busy: drop the one after it. */
		size_t victim = p->busy ? 1 : 0;
		struct period *v = &p->queue[(p->head + victim) % PUSH_QUEUE];
		if (v->remove)
			unlink(v->path);
		for (size_t i = victim; i + 1 < p->n; i++)
			p->queue[(p->head + i) % PUSH_QUEUE] =
			        p->queue[(p->head + i + 1) % PUSH_QUEUE];
		p->n--;
		p->counts.dropped++;
		log_warning("--push: the queue is full (%d periods): the "
		            "oldest waiting was dropped",
		            PUSH_QUEUE);
	}
}

void pusher_add(struct pusher *p, const char *path, time_t from, time_t until,
                int remove)
{
	pthread_mutex_lock(&p->lock);
	make_room(p);
	struct period *slot = &p->queue[(p->head + p->n) % PUSH_QUEUE];
	snprintf(slot->path, sizeof slot->path, "%s", path);
	slot->from = from;
	slot->until = until > from ? until : from + 1;
	slot->remove = remove;
	p->n++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

/* The recording at path as a gzipped pprof profile in *data; 0 or -1. */
static int encode(const char *path, char **data, size_t *size, char *why,
                  size_t len)
{
	struct profile prof;
	struct recordings r = {0};
	char *args[] = {(char *)path};
	profile_init(&prof);
	int rc = read_many_expand(&r, args, 1, why, len) ||
	                         read_many(&prof, &r, NULL, NULL, why, len)
	                 ? -1
	                 : 0;
	read_many_free(&r);
	FILE *out = rc ? NULL : open_memstream(data, size);
	if (!rc && !out) {
		snprintf(why, len, "out of memory");
		rc = -1;
	}
	if (out) {
		struct view_options vo = {.metric = METRIC_TIME};
		if (prof.mode == PROFILE_MEMORY)
			vo.metric = METRIC_MEMORY_UP;
		rc = view_pprof(&prof, &vo, out);
		if (fclose(out) != 0 || rc) {
			snprintf(why, len, "cannot encode: %s",
			         strerror(errno));
			free(*data);
			*data = NULL;
			rc = -1;
		}
	}
	profile_free(&prof);
	return rc;
}

/* How Pyroscope should read austinc's sample types. */
static const char SAMPLE_TYPE_CONFIG[] =
        "{\"samples\":{\"units\":\"samples\",\"aggregation\":\"sum\","
        "\"display-name\":\"samples\",\"sampled\":true},"
        "\"wall\":{\"units\":\"nanoseconds\",\"aggregation\":\"sum\","
        "\"display-name\":\"wall\",\"sampled\":true},"
        "\"cpu\":{\"units\":\"nanoseconds\",\"aggregation\":\"sum\","
        "\"display-name\":\"cpu\",\"sampled\":true},"
        "\"memory_growth\":{\"units\":\"bytes\",\"aggregation\":\"sum\","
        "\"display-name\":\"memory_growth\"},"
        "\"memory_release\":{\"units\":\"bytes\",\"aggregation\":\"sum\","
        "\"display-name\":\"memory_release\"}}";

/* "APP{host=H,k=v,...}": Pyroscope's application name and labels, the
 * same for every period (made once, as long as the arguments are); NULL
 * when out of memory. */
static char *application_name(const struct options *o)
{
	char host[256] = "unknown", *name = NULL;
	size_t size = 0;
	int has_host = 0;
	for (size_t i = 0; i < o->n_push_labels; i++)
		has_host |= strncmp(o->push_labels[i], "host=", 5) == 0;
	gethostname(host, sizeof host - 1);
	FILE *out = open_memstream(&name, &size);
	if (!out)
		return NULL;
	fprintf(out, "%s{", o->push_app);
	if (!has_host)
		fprintf(out, "host=%s%s", host, o->n_push_labels ? "," : "");
	for (size_t i = 0; i < o->n_push_labels; i++)
		fprintf(out, "%s%s", o->push_labels[i],
		        i + 1 < o->n_push_labels ? "," : "");
	fputc('}', out);
	if (fclose(out) != 0) {
		free(name);
		return NULL;
	}
	return name;
}

/* The ingest URL of a period, its query escaped. */
static char *ingest_url(CURL *curl, const struct pusher *p,
                        const struct period *t)
{
	const struct options *o = p->o;
	char *escaped = curl_easy_escape(curl, p->name, 0);
	if (!escaped)
		return NULL;
	uint64_t rate = o->interval_us ? 1000000 / o->interval_us : 0;
	size_t base = strlen(o->push_url);
	while (base > 0 && o->push_url[base - 1] == '/')
		base--;
	char *url = NULL;
	if (asprintf(&url,
	             "%.*s/ingest?name=%s&from=%lld&until=%lld&format=pprof"
	             "&sampleRate=%" PRIu64 "&spyName=austinc",
	             (int)base, o->push_url, escaped, (long long)t->from,
	             (long long)t->until, rate ? rate : 1) < 0)
		url = NULL;
	curl_free(escaped);
	return url;
}

/* Credentials: "USER:PASSWORD" is basic authentication, anything else a
 * bearer token. */
static void set_credentials(CURL *curl, const char *credentials)
{
	if (!credentials)
		return;
	if (strchr(credentials, ':')) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERPWD, credentials);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, credentials);
	}
}

/* POST the profile; 0 when the server took it, else -1 with why. */
static int post(struct pusher *p, const struct period *t, const char *data,
                size_t size, char *why, size_t len)
{
	CURL *curl = curl_easy_init();
	char *url = curl ? ingest_url(curl, p, t) : NULL;
	curl_mime *form = curl ? curl_mime_init(curl) : NULL;
	struct curl_slist *headers = NULL;
	int rc = -1;
	if (!url || !form) {
		snprintf(why, len, "out of memory");
		goto done;
	}
	curl_mimepart *part = curl_mime_addpart(form);
	curl_mime_name(part, "profile");
	curl_mime_filename(part, "profile.pprof");
	curl_mime_type(part, "application/octet-stream");
	curl_mime_data(part, data, size);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "sample_type_config");
	curl_mime_filename(part, "sample_type_config.json");
	curl_mime_data(part, SAMPLE_TYPE_CONFIG, CURL_ZERO_TERMINATED);
	if (p->o->push_tenant) {
		char header[512];
		snprintf(header, sizeof header, "X-Scope-OrgID: %s",
		         p->o->push_tenant);
		headers = curl_slist_append(headers, header);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, form);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "austinc/" PACKAGE_VERSION);
	set_credentials(curl, p->credentials);
	CURLcode res = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK)
		snprintf(why, len, "%s", curl_easy_strerror(res));
	else if (status < 200 || status > 299)
		snprintf(why, len, "the server answered HTTP %ld", status);
	else
		rc = 0;
done:
	curl_slist_free_all(headers);
	curl_mime_free(form);
	free(url);
	if (curl)
		curl_easy_cleanup(curl);
	return rc;
}

/* Push the period at the head; 1 when it is done with (pushed, or not
 * readable: trying again would not help), 0 to try again. */
static int push_head(struct pusher *p, const struct period *t)
{
	char why[512];
	char *data = NULL;
	size_t size = 0;
	if (encode(t->path, &data, &size, why, sizeof why) != 0) {
		log_warning("--push: %s: %s: not pushed", t->path, why);
		pthread_mutex_lock(&p->lock);
		p->counts.unsent++;
		pthread_mutex_unlock(&p->lock);
		return 1;
	}
	int rc = post(p, t, data, size, why, sizeof why);
	free(data);
	pthread_mutex_lock(&p->lock);
	if (rc == 0)
		p->counts.pushed++;
	else
		p->counts.failures++;
	pthread_mutex_unlock(&p->lock);
	if (rc != 0)
		log_warning("--push: %s: %s: trying again", t->path, why);
	return rc == 0;
}

/* Wait seconds before trying again: new periods do not cut it short (a
 * server that is down is not asked every period), the end does, and then
 * the wait stops at the deadline. Called with the lock held. */
static void wait_for(struct pusher *p, unsigned seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	int was_stopping = p->stopping, rc = 0;
	while (rc != ETIMEDOUT && p->stopping == was_stopping) {
		if (p->stopping && p->deadline < until.tv_sec)
			until.tv_sec = p->deadline;
		rc = pthread_cond_timedwait(&p->wake, &p->lock, &until);
	}
}

static void *pushing(void *arg)
{
	struct pusher *p = arg;
	unsigned backoff = 1;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n == 0 && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->n == 0 || (p->stopping && time(NULL) >= p->deadline))
			break;
		struct period t = p->queue[p->head];
		p->busy = 1;
		pthread_mutex_unlock(&p->lock);
		int done = push_head(p, &t);
		if (done && t.remove)
			unlink(t.path);
		pthread_mutex_lock(&p->lock);
		p->busy = 0;
		if (done) {
			p->head = (p->head + 1) % PUSH_QUEUE;
			p->n--;
			backoff = 1;
			continue;
		}
		wait_for(p, backoff);
		backoff = backoff * 2 > PUSH_BACKOFF_MAX ? PUSH_BACKOFF_MAX
		                                         : backoff * 2;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pusher *pusher_start(const struct options *o, char *why, size_t len)
{
	struct pusher *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	p->o = o;
	if (o->push_auth) {
		p->credentials = read_credentials(o->push_auth, why, len);
		if (!p->credentials) {
			free(p);
			return NULL;
		}
	}
	p->name = application_name(o);
	if (!p->name) {
		snprintf(why, len, "out of memory");
		free(p->credentials);
		free(p);
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, len, "--push: libcurl cannot start");
		free(p->name);
		free(p->credentials);
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->thread, NULL, pushing, p) != 0) {
		snprintf(why, len, "--push: cannot start its thread");
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->wake);
		curl_global_cleanup();
		free(p->name);
		free(p->credentials);
		free(p);
		return NULL;
	}
	return p;
}

void pusher_finish(struct pusher *p, struct push_counts *counts)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	p->deadline = time(NULL) + PUSH_DRAIN_S;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	/* What is left could not be pushed in time. */
	for (size_t i = 0; i < p->n; i++) {
		const struct period *t = &p->queue[(p->head + i) % PUSH_QUEUE];
		if (t->remove)
			unlink(t->path);
		p->counts.unsent++;
	}
	*counts = p->counts;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	curl_global_cleanup();
	if (p->credentials) {
		memset(p->credentials, 0, strlen(p->credentials));
		free(p->credentials);
	}
	free(p->name);
	free(p);
}

#endif
