#pragma once

#include <QObject>

class QUrl;

namespace forge::ui {

class CompareSide;

// Keeps the two sides of a comparison on the same page: when one goes somewhere by itself (a link,
// a form, a script changing the address), the other goes to the same path and query on its own
// origin. Loads a side was told to do are not followed (CompareSide::pageNavigated), so the two
// never chase each other.
class NavigationLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NavigationLink)
public:
    NavigationLink(CompareSide* first, CompareSide* second, QObject* parent = nullptr);

    // Off while a visual diff captures the pages.
    void setEnabled(bool enabled) { m_enabled = enabled; }

    // "/path?query" of `url`: what the other side goes to (a fragment is the page's own business).
    static QString pathAndQuery(const QUrl& url);

Q_SIGNALS:
    // `follower` went to `path` because the other side did.
    void followed(forge::ui::CompareSide* follower, const QString& path);

private:
    void follow(CompareSide* follower, const QUrl& url);

    bool m_enabled = true;
};

} // namespace forge::ui
