#include "DaytonaSettingsPage.h"

#include "core/Failure.h"
#include "sandbox/daytona/DaytonaProvider.h"
#include "ui/common/Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

struct TestOutcome
{
    bool succeeded = false;
    QString message;
    QString advice;
};

// The provider's network replies may still be delivering when the check ends: it goes later.
struct DeleteLater
{
    void operator()(QObject* object) const { object->deleteLater(); }
};

// Lists sandboxes once with `config`. The provider lives as long as this task, so closing the
// page meanwhile is safe; every failure becomes an outcome (nothing escapes the task).
QCoro::Task<TestOutcome> checkConnection(daytona::DaytonaConfig config, DaytonaSandboxOptions options)
{
    std::unique_ptr<DaytonaProvider, DeleteLater> provider(
        new DaytonaProvider(std::move(config), std::move(options)));
    TestOutcome outcome;
    try {
        co_await provider->testConnection();
        outcome.succeeded = true;
    } catch (const Failure& failure) {
        outcome.message = failure.message();
        outcome.advice = failure.advice();
    } catch (const std::exception&) {
        // Whatever it was, its text is not shown: it is not written for users and could hold
        // more than it should.
        outcome.message = DaytonaSettingsPage::tr("The connection test failed unexpectedly.");
        outcome.advice = DaytonaSettingsPage::tr("Check the API URL and the key, then test again.");
    }
    co_return outcome;
}

QLabel* statusLabel(const QString& objectName)
{
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

void showProblem(QLabel* label, const QString& problem)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, Theme::failureColor());
    label->setPalette(palette);
    label->setText(problem);
    label->setVisible(!problem.isEmpty());
}

// Not a problem, but worth knowing (where a value comes from instead).
void showNote(QLabel* label, const QString& note)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, Theme::mutedTextColor());
    label->setPalette(palette);
    label->setText(note);
    label->setVisible(!note.isEmpty());
}

QString sizeTitle(DaytonaSandboxOptions::Size size)
{
    const auto resources = DaytonaSandboxOptions::resourcesFor(size);
    QString name;
    switch (size) {
    case DaytonaSandboxOptions::Size::Small:
        name = DaytonaSettingsPage::tr("Small");
        break;
    case DaytonaSandboxOptions::Size::Medium:
        name = DaytonaSettingsPage::tr("Medium");
        break;
    case DaytonaSandboxOptions::Size::Large:
        name = DaytonaSettingsPage::tr("Large");
        break;
    }
    return DaytonaSettingsPage::tr("%1 · %n vCPU, %2 GiB memory, %3 GiB disk", nullptr, resources.cpu)
        .arg(name)
        .arg(resources.memoryGiB)
        .arg(resources.diskGiB);
}

} // namespace

DaytonaSettingsPage::DaytonaSettingsPage(QWidget* parent)
    : QWidget(parent)
{
    createLayout();
    setSettings(DaytonaSettings());
}

DaytonaSettingsPage::~DaytonaSettingsPage() = default;

void DaytonaSettingsPage::createLayout()
{
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(tr("Projects set to run on Daytona get their sandbox in Daytona's cloud, made "
                                "with these settings. Changes apply from each project's next run."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    layout->addWidget(createConnectionGroup());
    layout->addWidget(createSandboxGroup());
    layout->addStretch();

    for (QLineEdit* edit : {m_apiUrl, m_target, m_image, m_snapshot})
        connect(edit, &QLineEdit::textChanged, this, &DaytonaSettingsPage::fieldEdited);
    connect(m_apiKey, &QLineEdit::textChanged, this, [this] {
        refreshEnvironment();
        fieldEdited();
    });
    connect(m_size, &QComboBox::currentIndexChanged, this, &DaytonaSettingsPage::fieldEdited);
    connect(m_autoStop, &QSpinBox::valueChanged, this, &DaytonaSettingsPage::fieldEdited);
    connect(m_publicPreview, &QCheckBox::toggled, this, &DaytonaSettingsPage::fieldEdited);
    connect(m_testButton, &QPushButton::clicked, this, &DaytonaSettingsPage::testConnection);
}

// The API URL, target and key, and the connection test.
QGroupBox* DaytonaSettingsPage::createConnectionGroup()
{
    auto* connection = new QGroupBox(tr("Connection"));
    auto* connectionForm = new QFormLayout(connection);
    connectionForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_apiUrl = new QLineEdit;
    m_apiUrl->setObjectName(u"daytonaApiUrl"_s);
    m_apiUrl->setPlaceholderText(QString::fromLatin1(daytona::DaytonaConfig::DefaultApiUrl));
    m_apiUrl->setClearButtonEnabled(true);
    m_apiUrlStatus = statusLabel(u"daytonaApiUrlStatus"_s);
    connectionForm->addRow(tr("API &URL:"), m_apiUrl);
    connectionForm->addRow(QString(), m_apiUrlStatus);

    m_target = new QLineEdit;
    m_target->setObjectName(u"daytonaTarget"_s);
    m_target->setPlaceholderText(tr("your organization's default (for example us or eu)"));
    m_targetStatus = statusLabel(u"daytonaTargetStatus"_s);
    connectionForm->addRow(tr("&Target:"), m_target);
    connectionForm->addRow(QString(), m_targetStatus);

    m_apiKey = new QLineEdit;
    m_apiKey->setObjectName(u"daytonaApiKey"_s);
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("paste an API key from Daytona's dashboard (Keys)"));
    m_apiKey->setToolTip(tr("Kept in the system keychain, never in a settings file"));
    m_apiKey->setClearButtonEnabled(true);
    m_keySource = new QLabel;
    m_keySource->setObjectName(u"daytonaKeySource"_s);
    m_keySource->setWordWrap(true);
    m_keySource->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connectionForm->addRow(tr("API &key:"), m_apiKey);
    connectionForm->addRow(QString(), m_keySource);

    m_testButton = new QPushButton(tr("Test &Connection"));
    m_testButton->setObjectName(u"daytonaTestConnection"_s);
    m_testButton->setAutoDefault(false);
    // As wide as its widest text, so the row does not jump while a test runs.
    m_testButton->setText(tr("Testing…"));
    int buttonWidth = m_testButton->sizeHint().width();
    m_testButton->setText(tr("Test &Connection"));
    buttonWidth = std::max(buttonWidth, m_testButton->sizeHint().width());
    m_testButton->setMinimumWidth(buttonWidth);
    m_testBusy = new QProgressBar;
    m_testBusy->setRange(0, 0); // busy indicator
    m_testBusy->setTextVisible(false);
    m_testBusy->setMaximumWidth(80);
    m_testBusy->setMaximumHeight(m_testButton->sizeHint().height() / 2);
    m_testBusy->hide();
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testBusy);
    testRow->addStretch();
    connectionForm->addRow(QString(), testRow);
    m_testResult = statusLabel(u"daytonaTestResult"_s);
    m_testResult->installEventFilter(this);
    connectionForm->addRow(QString(), m_testResult);
    return connection;
}

// What new sandboxes are made with: size, image or snapshot, auto-stop, public previews.
QGroupBox* DaytonaSettingsPage::createSandboxGroup()
{
    auto* sandboxes = new QGroupBox(tr("New sandboxes"));
    auto* sandboxForm = new QFormLayout(sandboxes);
    sandboxForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_size = new QComboBox;
    m_size->setObjectName(u"daytonaSize"_s);
    for (const auto size : {DaytonaSandboxOptions::Size::Small, DaytonaSandboxOptions::Size::Medium,
                            DaytonaSandboxOptions::Size::Large})
        m_size->addItem(sizeTitle(size), int(size));
    m_size->setToolTip(tr("Used when a sandbox is built from the image; a snapshot brings its own size."));
    sandboxForm->addRow(tr("&Size:"), m_size);

    m_image = new QLineEdit;
    m_image->setObjectName(u"daytonaImage"_s);
    m_image->setPlaceholderText(QString::fromLatin1(DaytonaSandboxOptions::DefaultImage));
    m_imageStatus = statusLabel(u"daytonaImageStatus"_s);
    sandboxForm->addRow(tr("&Image:"), m_image);
    sandboxForm->addRow(QString(), m_imageStatus);

    m_snapshot = new QLineEdit;
    m_snapshot->setObjectName(u"daytonaSnapshot"_s);
    m_snapshot->setPlaceholderText(tr("none: build from the image"));
    m_snapshot->setToolTip(tr("A Daytona snapshot starts faster than an image build; when set, it is used "
                              "instead of the image."));
    m_snapshotStatus = statusLabel(u"daytonaSnapshotStatus"_s);
    sandboxForm->addRow(tr("S&napshot:"), m_snapshot);
    sandboxForm->addRow(QString(), m_snapshotStatus);

    m_autoStop = new QSpinBox;
    m_autoStop->setObjectName(u"daytonaAutoStop"_s);
    m_autoStop->setRange(0, DaytonaSettings::MaxAutoStopMinutes);
    m_autoStop->setSpecialValueText(tr("Never"));
    m_autoStop->setSuffix(tr(" min"));
    m_autoStop->setToolTip(tr("Daytona stops a sandbox after this many minutes without activity (its files "
                              "stay); Forge Preview starts it again when needed. 0 keeps it running."));
    sandboxForm->addRow(tr("&Auto-stop after:"), m_autoStop);

    m_publicPreview = new QCheckBox(tr("&Public previews (anyone with the link can open them)"));
    m_publicPreview->setObjectName(u"daytonaPublicPreview"_s);
    m_publicPreview->setToolTip(tr("Private previews need a token, which Forge Preview sends for you. A "
                                   "public preview can be shared, but so can everything the app serves."));
    sandboxForm->addRow(QString(), m_publicPreview);
    return sandboxes;
}

void DaytonaSettingsPage::setSettings(const DaytonaSettings& settings)
{
    m_loading = true;
    m_apiUrl->setText(settings.apiUrl);
    m_target->setText(settings.target);
    m_size->setCurrentIndex(m_size->findData(int(settings.size)));
    m_image->setText(settings.image);
    m_snapshot->setText(settings.snapshot);
    m_autoStop->setValue(settings.autoStopMinutes);
    m_publicPreview->setChecked(settings.publicPreview);
    m_apiKey->setText(settings.apiKey);
    m_loading = false;
    fieldEdited();
}

DaytonaSettings DaytonaSettingsPage::settings() const
{
    DaytonaSettings settings;
    settings.apiUrl = m_apiUrl->text().trimmed();
    settings.target = m_target->text().trimmed();
    settings.size = DaytonaSandboxOptions::Size(m_size->currentData().toInt());
    settings.image = m_image->text().trimmed();
    settings.snapshot = m_snapshot->text().trimmed();
    settings.autoStopMinutes = m_autoStop->value();
    settings.publicPreview = m_publicPreview->isChecked();
    settings.apiKey = m_apiKey->text().trimmed();
    return settings;
}

bool DaytonaSettingsPage::isValid() const
{
    return m_valid;
}

void DaytonaSettingsPage::setEnvironment(const QProcessEnvironment& environment)
{
    m_environment = environment;
    refreshEnvironment();
    validate();
}

QProcessEnvironment DaytonaSettingsPage::environment() const
{
    return m_environment ? *m_environment : QProcessEnvironment::systemEnvironment();
}

void DaytonaSettingsPage::refreshEnvironment()
{
    const QProcessEnvironment env = environment();
    const DaytonaSettings::KeySource key = settings().keySource(env);
    QPalette palette = m_keySource->palette();
    palette.setColor(QPalette::WindowText,
                     key.usable ? palette.color(QPalette::Text) : Theme::warningColor());
    m_keySource->setPalette(palette);
    m_keySource->setText(key.description);

    // DAYTONA_API_URL and DAYTONA_TARGET win over what is stored here (as in Daytona's SDKs).
    const QString urlOverride = DaytonaSettings::environmentApiUrl(env);
    m_apiUrl->setReadOnly(!urlOverride.isEmpty());
    m_apiUrl->setToolTip(urlOverride.isEmpty()
                             ? tr("The Daytona API; a self-hosted Daytona has its own. https is required "
                                  "except for this machine.")
                             : tr("DAYTONA_API_URL is set (%1) and is used instead.").arg(urlOverride));
    const QString targetOverride = DaytonaSettings::environmentTarget(env);
    m_target->setReadOnly(!targetOverride.isEmpty());
    m_target->setToolTip(targetOverride.isEmpty()
                             ? tr("The region sandboxes are made in; empty for your organization's default.")
                             : tr("DAYTONA_TARGET is set (%1) and is used instead.").arg(targetOverride));
}

void DaytonaSettingsPage::fieldEdited()
{
    if (m_loading)
        return;
    // A result about other values would mislead.
    ++m_generation;
    if (m_testState != TestState::Testing)
        setTestState(TestState::Idle);
    refreshEnvironment();
    validate();
}

void DaytonaSettingsPage::validate()
{
    const DaytonaSettings current = settings();
    const QProcessEnvironment env = environment();
    const QString urlOverride = DaytonaSettings::environmentApiUrl(env);
    const QString targetOverride = DaytonaSettings::environmentTarget(env);

    if (urlOverride.isEmpty()) {
        showProblem(m_apiUrlStatus, current.problem(DaytonaSettings::Field::ApiUrl));
    } else if (const QString problem = DaytonaSettings::apiUrlProblem(urlOverride); !problem.isEmpty()) {
        showProblem(m_apiUrlStatus, tr("DAYTONA_API_URL (%1): %2").arg(urlOverride, problem));
    } else {
        showNote(m_apiUrlStatus, tr("DAYTONA_API_URL is set: %1 is used.").arg(urlOverride));
    }
    if (targetOverride.isEmpty())
        showProblem(m_targetStatus, current.problem(DaytonaSettings::Field::Target));
    else
        showNote(m_targetStatus, tr("DAYTONA_TARGET is set: %1 is used.").arg(targetOverride));
    showProblem(m_imageStatus, current.problem(DaytonaSettings::Field::Image));
    showProblem(m_snapshotStatus, current.problem(DaytonaSettings::Field::Snapshot));

    // What is stored must be valid on its own (the environment may be different next time).
    const bool valid = current.isValid();
    const QString unusable = current.unusableReason(env);
    m_testButton->setEnabled(m_testState != TestState::Testing && unusable.isEmpty());
    m_testButton->setToolTip(unusable.isEmpty() ? tr("List sandboxes once with these settings") : unusable);
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
}

void DaytonaSettingsPage::testConnection()
{
    if (m_testState == TestState::Testing)
        return;
    const DaytonaSettings current = settings();
    const QProcessEnvironment env = environment();
    if (const QString unusable = current.unusableReason(env); !unusable.isEmpty()) {
        setTestState(TestState::Failed, unusable);
        Q_EMIT testFinished(false);
        return;
    }
    const int generation = m_generation;
    setTestState(TestState::Testing);
    QCoro::connect(checkConnection(current.config(env), current.sandboxOptions()), this,
                   [this, generation](const TestOutcome& outcome) {
                       showTestResult(generation, outcome.succeeded, outcome.message, outcome.advice);
                   });
}

void DaytonaSettingsPage::showTestResult(int generation, bool succeeded, const QString& message,
                                         const QString& advice)
{
    if (generation != m_generation) {
        // The fields changed while the test ran: its answer is about values no longer shown.
        setTestState(TestState::Idle);
        validate();
        Q_EMIT testFinished(false);
        return;
    }
    setTestState(succeeded ? TestState::Succeeded : TestState::Failed, message, advice);
    validate();
    Q_EMIT testFinished(succeeded);
}

void DaytonaSettingsPage::setTestState(TestState state, const QString& message, const QString& advice)
{
    m_testState = state;
    const bool testing = state == TestState::Testing;
    m_testBusy->setVisible(testing);
    m_testButton->setText(testing ? tr("Testing…") : tr("Test &Connection"));
    if (testing)
        m_testButton->setEnabled(false);
    QPalette palette = m_testResult->palette();
    switch (state) {
    case TestState::Idle:
        m_testResult->clear();
        m_testResult->hide();
        m_testResult->setMinimumHeight(0);
        return;
    case TestState::Testing:
        palette.setColor(QPalette::WindowText, Theme::mutedTextColor());
        m_testResult->setText(
            tr("Connecting to %1…").arg(settings().config(environment()).apiUrl.toDisplayString()));
        break;
    case TestState::Succeeded:
        palette.setColor(QPalette::WindowText, Theme::successColor());
        m_testResult->setText(tr("✓ Connected to %1: the API key works.")
                                  .arg(settings().config(environment()).apiUrl.toDisplayString()));
        break;
    case TestState::Failed:
        palette.setColor(QPalette::WindowText, Theme::failureColor());
        m_testResult->setText(advice.isEmpty() ? tr("✗ %1").arg(message)
                                               : tr("✗ %1\n%2").arg(message, advice));
        break;
    }
    m_testResult->setPalette(palette);
    m_testResult->show();
    growWindowToFit();
}

void DaytonaSettingsPage::growWindowToFit()
{
    // Qt does not grow a window for a wrapped label's height-for-width, so a long message would be
    // cut off: its height at its current width becomes its minimum, which the window's layout
    // honours (updated again whenever the label is resized).
    const int needed = m_testResult->isVisible() && m_testResult->width() > 0
                           ? m_testResult->heightForWidth(m_testResult->width())
                           : 0;
    if (needed != m_testResult->minimumHeight())
        m_testResult->setMinimumHeight(needed);
}

bool DaytonaSettingsPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_testResult && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        growWindowToFit();
    return QWidget::eventFilter(watched, event);
}

QString DaytonaSettingsPage::testResultText() const
{
    return m_testResult->text();
}

} // namespace forge::ui
