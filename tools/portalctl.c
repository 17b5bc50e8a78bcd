/* portalctl: operator's command line over lib/.
 *   portalctl [-c portal.conf] hash-password   reads a password on stdin, prints its yescrypt
 *                                               hash (at the configuration's password_cost) */
#include <stdio.h>
#include <string.h>

#include "portal.h"

int
main(int argc, char **argv)
{
	char pw[256], hash[256];
	size_t n;

	if (argc == 4 && strcmp(argv[1], "-c") == 0) {
		if (conf_load(argv[2]) != 0)
			return 1;
		argc -= 2;
		argv += 2;
	}
	if (argc != 2 || strcmp(argv[1], "hash-password") != 0) {
		fprintf(stderr, "usage: portalctl [-c portal.conf] hash-password < password\n");
		return 2;
	}
	if (fgets(pw, sizeof(pw), stdin) == NULL)
		return 1;
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (!valid_password(pw)) {
		fprintf(stderr, "portalctl: the password does not meet the policy\n");
		return 1;
	}
	if (auth_hash(pw, hash, sizeof(hash)) != PERR_OK)
		return 1;
	puts(hash);
	return 0;
}
