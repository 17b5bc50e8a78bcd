/* fcgi-hello: the bare FastCGI responder `make bench` compares the portal against. */
#include <fcgiapp.h>

int main(void);

int
main(void)
{
	FCGX_Request r;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_FPrintF(r.out, "Status: 200\r\nContent-Type: application/json\r\n"
		    "Content-Length: 11\r\n\r\n{\"ok\":true}");
		FCGX_Finish_r(&r);
	}
	return 0;
}
