// forge-render-icon: renders the application's SVG icon to a PNG of the given size, at build time,
// so the packages' hicolor PNGs always match the one SVG in resources/.
//   forge-render-icon <input.svg> <output.png> <size>

#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>
#include <cstdlib>

int main(int argc, char* argv[])
{
    if (argc != 4) {
        std::fputs("usage: forge-render-icon <input.svg> <output.png> <size>\n", stderr);
        return 2;
    }
    const int size = std::atoi(argv[3]);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid() || size <= 0) {
        std::fprintf(stderr, "forge-render-icon: cannot render %s at size %s\n", argv[1], argv[3]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    if (!image.save(QString::fromLocal8Bit(argv[2]), "PNG")) {
        std::fprintf(stderr, "forge-render-icon: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
