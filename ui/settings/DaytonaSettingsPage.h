#pragma once

#include "store/DaytonaSettings.h"

#include <QProcessEnvironment>
#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace forge::ui {

// Settings > Daytona: where the API is, the target, how new sandboxes are made, the API key (kept in
// the keychain by the dialog; the environment's wins), and a button that checks the connection with
// what is on the page (saved or not).
// Each field says inline what is wrong with it; the dialog's OK follows isValid().
class DaytonaSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DaytonaSettingsPage)
public:
    enum class TestState { Idle, Testing, Succeeded, Failed };
    Q_ENUM(TestState)

    explicit DaytonaSettingsPage(QWidget* parent = nullptr);
    ~DaytonaSettingsPage() override;

    void setSettings(const DaytonaSettings& settings);
    DaytonaSettings settings() const;
    bool isValid() const;

    // The environment the key (and DAYTONA_API_URL / DAYTONA_TARGET) is read from; by default
    // the process's own, read when needed.
    void setEnvironment(const QProcessEnvironment& environment);
    QProcessEnvironment environment() const;

    // Checks the connection with the page's values (runs in the background; testFinished follows).
    void testConnection();
    TestState testState() const { return m_testState; }
    QString testResultText() const;
    QPushButton* testButton() const { return m_testButton; }

Q_SIGNALS:
    void validityChanged(bool valid);
    void testFinished(bool succeeded);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void createLayout();
    QGroupBox* createConnectionGroup();
    QGroupBox* createSandboxGroup();
    void refreshEnvironment();
    void validate();
    void fieldEdited();
    void setTestState(TestState state, const QString& message = {}, const QString& advice = {});
    void growWindowToFit();
    void showTestResult(int generation, bool succeeded, const QString& message, const QString& advice);

    std::optional<QProcessEnvironment> m_environment;
    bool m_valid = true;
    TestState m_testState = TestState::Idle;
    int m_generation = 0; // bumped on every edit: a test's answer about older values is dropped
    bool m_loading = false;

    QLineEdit* m_apiUrl = nullptr;
    QLabel* m_apiUrlStatus = nullptr;
    QLineEdit* m_target = nullptr;
    QLabel* m_targetStatus = nullptr;
    QLineEdit* m_apiKey = nullptr;
    QLabel* m_keySource = nullptr;
    QPushButton* m_testButton = nullptr;
    QProgressBar* m_testBusy = nullptr;
    QLabel* m_testResult = nullptr;
    QComboBox* m_size = nullptr;
    QLineEdit* m_snapshot = nullptr;
    QLabel* m_snapshotStatus = nullptr;
    QLineEdit* m_image = nullptr;
    QLabel* m_imageStatus = nullptr;
    QSpinBox* m_autoStop = nullptr;
    QCheckBox* m_publicPreview = nullptr;
};

} // namespace forge::ui
