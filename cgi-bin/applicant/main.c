/* applicant: the FastCGI program of the applicants' portal; its routes, nothing else. */
#include "review.h"
#include "applicant.h"

static const struct route routes[] = {
	COMMON_ROUTES,
	{ M_POST, "/register", R_PUBLIC | R_NO_CSRF, register_fields, h_register },
	{ M_GET, "/profile", 0, NULL, h_profile_get },
	{ M_PUT, "/profile", 0, profile_fields, h_profile_put },
	{ M_GET, "/units", 0, units_query, h_units },
	{ M_GET, "/archive", 0, NULL, h_archive_list },
	{ M_POST, "/archive", 0, archive_fields, h_archive_add },
	{ M_PUT, "/archive/:id", 0, archive_fields, h_archive_edit },
	{ M_DELETE, "/archive/:id", 0, NULL, h_archive_delete },
	{ M_GET, "/plans", 0, NULL, h_plans },
	{ M_GET, "/plans/:id", 0, NULL, h_plan },
	{ M_GET, "/applications", 0, NULL, h_applications },
	{ M_POST, "/applications", 0, app_create_fields, h_app_create },
	{ M_GET, "/applications/:id", 0, NULL, h_app_get },
	{ M_PUT, "/applications/:id/info", 0, app_info_fields, h_app_info },
	{ M_PUT, "/applications/:id/recommenders", 0, app_recommenders_fields, h_app_recommenders },
	{ M_PUT, "/applications/:id/archive", 0, app_archive_fields, h_app_archive },
	{ M_PUT, "/applications/:id/files", 0, app_files_fields, h_app_files },
	{ M_POST, "/applications/:id/photo", R_MULTIPART, photo_fields, h_app_photo },
	{ M_POST, "/applications/:id/submit", 0, NULL, h_submit },
	{ M_GET, "/applications/:id/timeline", 0, NULL, h_timeline },
	{ M_GET, "/applications/:id/view", 0, NULL, review_view },
	{ M_GET, "/applications/:id/files/:id", 0, upload_get_fields, review_file },
	{ M_GET, "/applications/:id/form.xhtml", 0, NULL, h_form },
	{ M_POST, "/applications/:id/sign-link", 0, NULL, h_sign_link },
	/* the phone, without a session: the one-time token is in the body, never in a URL */
	{ M_POST, "/sign/open", R_PUBLIC | R_NO_CSRF, sign_open_fields, h_sign_open },
	{ M_POST, "/sign", R_PUBLIC | R_NO_CSRF, sign_fields, h_sign_post },
	{ M_GET, "/payment", 0, NULL, h_payment },
	{ M_POST, "/applications/:id/pay", 0, NULL, h_pay },
	/* the provider's signed notification; the gateway itself is not in this program */
	{ M_POST, "/paycallback", R_PUBLIC | R_NO_CSRF, paycallback_fields, h_paycallback },
	{ M_GET, "/messages", 0, NULL, h_messages },
	{ M_POST, "/messages/:id/read", 0, NULL, h_message_read },
	{ M_POST, "/messages/read-all", 0, NULL, h_messages_read_all },
	/* lib/certificate.c: the holder's certificate; /verify/<code>, public, at the site's root */
	CERTIFICATE_ROUTES,
};

int
main(int argc, char **argv)
{
	return portal_main("applicant", routes, NITEMS(routes), argc, argv);
}
