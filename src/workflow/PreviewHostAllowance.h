#pragma once

#include "core/RunPlan.h"

#include <QMap>
#include <QString>
#include <QUrl>

namespace forge {

// Behind a preview proxy (Daytona's https://<port>-<id>.<proxy domain>), the dev server receives the
// proxy's host name in the Host header. Dev servers that check it (Vite since 5.4.12/6.0.9 and the
// frameworks built on it, webpack-dev-server in Create React App) answer 403 unless told about
// that host. This is the environment that tells them, for the preview at `previewUrl`; empty when
// the preview is reached by IP address or as localhost, which those servers always accept.
//   - Vite >= 6.1 (and Nuxt, Astro, SvelteKit, Angular's dev server on it) reads
//     __VITE_ADDITIONAL_SERVER_ALLOWED_HOSTS, a comma-separated list of host names.
//   - Create React App reads DANGEROUSLY_DISABLE_HOST_CHECK; it has no list. The check guards a dev
//     server on the user's own machine against DNS rebinding; in a remote sandbox behind the proxy
//     there is no such machine to protect.
// Values the run plan sets itself are kept (see mergedInto).
QMap<QString, QString> previewHostEnvironment(const QUrl& previewUrl, Framework framework);

// `environment` with `allowance` added where it does not set the variable itself.
QMap<QString, QString> mergedInto(QMap<QString, QString> environment,
                                  const QMap<QString, QString>& allowance);

} // namespace forge
