// forge-fake-github: the fake GitHub on 127.0.0.1 for trying the app by hand. Prints its URL and
// the client id (never the token); device sign-in succeeds after two polls.
#include "FakeGitHub.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    FakeGitHub server;
    server.tokenErrors = {QStringLiteral("authorization_pending"), QStringLiteral("authorization_pending")};
    if (!server.listen())
        return 1;
    QTextStream out(stdout);
    out << "url " << server.url().toString() << "\nclient_id " << server.clientId << "\n";
    out.flush();
    return app.exec();
}
