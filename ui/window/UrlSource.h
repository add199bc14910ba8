#pragma once

#include "RepositorySource.h"

class QLabel;
class QLineEdit;

namespace forge {
class RepoRef;
} // namespace forge

namespace forge::ui {

// A repository by its https URL (or owner/repo on GitHub), or a pull request by its address
// (…/pull/N, previewed at its head, without a branch), validated as the user types.
class UrlSource final : public RepositorySource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UrlSource)
public:
    explicit UrlSource(QWidget* parent = nullptr);

    QString title() const override;
    QString repository() const override;
    QString branch() const override;
    QString problem() const override;
    void focusInput() override;

    void setRepository(const QString& text);
    void setBranch(const QString& branch);

private:
    void validate();
    static QString willClone(const RepoRef& reference);

    QLineEdit* m_url = nullptr;
    QLineEdit* m_branch = nullptr;
    QLabel* m_status = nullptr;
    QString m_problem;
};

} // namespace forge::ui
