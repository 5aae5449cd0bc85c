// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-reprint: read one JSON document on stdin and print it as dmabufctl
 * prints a whole json-c tree (out_json_print(): pretty, spaced, slashes
 * unescaped).  list -J streams its document item by item; the host suite
 * checks that the stream is this, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

int main(void)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = NULL;
	enum json_tokener_error err = json_tokener_continue;
	char buf[65536];
	size_t n;

	while (err == json_tokener_continue && (n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		doc = json_tokener_parse_ex(tok, buf, (int)n);
		err = json_tokener_get_error(tok);
	}
	if (!doc || err != json_tokener_success) {
		fprintf(stderr, "json-reprint: %s\n", json_tokener_error_desc(err));
		return 1;
	}
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	json_tokener_free(tok);
	return 0;
}
