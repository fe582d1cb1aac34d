// Every user-visible string goes through tr(): with a pseudo-locale
// translator installed (it brackets every translation), no visible text of
// any page may come out unbracketed. And the German catalogue is complete.
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTreeWidget>
#include <QXmlStreamReader>
#include <QtTest>

#include "engine_client.h"
#include "main_window.h"
#include "ui_test_support.h"

using namespace tidemark::ui;

namespace {

const QChar kOpen(0x27E6);  // ⟦
const QChar kClose(0x27E7); // ⟧

class PseudoTranslator : public QTranslator {
public:
    QString translate(const char *, const char *source, const char *, int) const override
    {
        return kOpen + QString::fromUtf8(source) + kClose;
    }
    bool isEmpty() const override { return false; }
};

bool translated(const QString &text)
{
    // Texts that carry no words need no translation ("", "42", "–", "#").
    bool hasLetter = false;
    for (QChar c : text)
        hasLetter = hasLetter || c.isLetter();
    return !hasLetter || text.contains(kOpen);
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyVisibleTextIsTranslated();
    void germanIsComplete_data();
    void germanIsComplete();
};

void TestTranslations::everyVisibleTextIsTranslated()
{
    QTemporaryDir dir;
    tidemark::test::isolateSettings(dir);
    PseudoTranslator pseudo;
    QCoreApplication::installTranslator(&pseudo);
    auto client = tidemark::test::makeClient();
    MainWindowOptions options;
    options.storePath = dir.filePath(QStringLiteral("store.db"));
    options.offerDemo = false;
    QSignalSpy listed(client.get(), &EngineClient::connectionsListed);
    MainWindow window(client.get(), options);
    window.show();
    QTRY_COMPARE(listed.count(), 1);

    QStringList missing;
    int checked = 0;
    auto check = [&](const QString &where, const QString &text) {
        ++checked;
        if (!translated(text))
            missing << QStringLiteral("%1: \"%2\"").arg(where, text);
    };
    for (QWidget *w : window.findChildren<QWidget *>()) {
        const QString name = QString::fromLatin1(w->metaObject()->className());
        if (!w->toolTip().isEmpty())
            check(name + QStringLiteral(" tooltip"), w->toolTip());
        if (!w->accessibleName().isEmpty())
            check(name + QStringLiteral(" accessible name"), w->accessibleName());
        if (auto *l = qobject_cast<QLabel *>(w))
            check(name, l->text());
        else if (auto *b = qobject_cast<QAbstractButton *>(w); b && !b->text().isEmpty())
            check(name, b->text());
        else if (auto *g = qobject_cast<QGroupBox *>(w))
            check(name, g->title());
        else if (auto *e = qobject_cast<QLineEdit *>(w))
            check(name + QStringLiteral(" placeholder"), e->placeholderText());
        if (auto *c = qobject_cast<QComboBox *>(w))
            for (int i = 0; i < c->count(); ++i)
                check(name + QStringLiteral(" item"), c->itemText(i));
        if (auto *lw = qobject_cast<QListWidget *>(w))
            for (int i = 0; i < lw->count(); ++i)
                check(name + QStringLiteral(" item"), lw->item(i)->text());
        if (auto *t = qobject_cast<QTreeWidget *>(w))
            for (int i = 0; i < t->columnCount(); ++i)
                check(name + QStringLiteral(" header"), t->headerItem()->text(i));
        if (auto *v = qobject_cast<QAbstractItemView *>(w); v && v->model())
            for (int i = 0; i < v->model()->columnCount(); ++i)
                check(name + QStringLiteral(" header"), v->model()->headerData(i, Qt::Horizontal).toString());
    }
    for (QAction *a : window.findChildren<QAction *>())
        if (!a->text().isEmpty() && !a->isSeparator())
            check(QStringLiteral("action"), a->text());
    check(QStringLiteral("window title"), window.windowTitle());
    QCoreApplication::removeTranslator(&pseudo);
    QVERIFY2(checked > 150, "the walk should reach every page's texts");
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char('\n'))));
}

void TestTranslations::germanIsComplete_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("German") << QStringLiteral(TIDEMARK_TS_DIR "/tidemark_de.ts");
}

void TestTranslations::germanIsComplete()
{
    QFETCH(QString, file);
    QFile ts(file);
    QVERIFY2(ts.open(QIODevice::ReadOnly), qPrintable(file));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QStringList untranslated;
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QStringLiteral("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QStringLiteral("translation")) {
            ++messages;
            const bool unfinished = xml.attributes().value(QStringLiteral("type")) == QStringLiteral("unfinished");
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (unfinished || text.trimmed().isEmpty())
                untranslated << source;
        }
    }
    QVERIFY(!xml.hasError());
    QVERIFY(messages > 100);
    QVERIFY2(untranslated.isEmpty(), qPrintable(QStringLiteral("%1 of %2 untranslated, e.g.\n").arg(untranslated.size()).arg(messages)
                                                + untranslated.mid(0, 20).join(QLatin1Char('\n'))));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
