// placeholder: written with the feature it tests
#include <QTest>
int main() { return 0; }
