#include "ui/preview/ChangeGrid.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace forge::ui {

namespace {

// A cell's neighbours that a scan by rows has already visited: left, and the three above.
constexpr std::array<std::pair<int, int>, 4> VisitedNeighbours{{{-1, 0}, {-1, -1}, {0, -1}, {1, -1}}};

int findRoot(std::vector<int>& parent, int cell)
{
    while (parent[size_t(cell)] != cell) {
        parent[size_t(cell)] = parent[size_t(parent[size_t(cell)])]; // path halving
        cell = parent[size_t(cell)];
    }
    return cell;
}

void unite(std::vector<int>& parent, int a, int b)
{
    a = findRoot(parent, a);
    b = findRoot(parent, b);
    if (a != b)
        parent[size_t(std::max(a, b))] = std::min(a, b);
}

// Regions whose boxes overlap become one: an outline drawn inside another helps no reviewer (a
// changed border around a changed line of text far from it). A sweep by left edge compares only
// boxes that overlap horizontally; merging can make a box reach another, hence the repeat.
QList<ChangeGrid::Region> joinOverlapping(QList<ChangeGrid::Region> regions)
{
    bool joined = true;
    while (joined) {
        joined = false;
        std::sort(regions.begin(), regions.end(),
                  [](const auto& a, const auto& b) { return a.box.left() < b.box.left(); });
        std::vector<bool> absorbed(size_t(regions.size()), false);
        QList<ChangeGrid::Region> next;
        for (qsizetype i = 0; i < regions.size(); ++i) {
            if (absorbed[size_t(i)])
                continue;
            ChangeGrid::Region region = regions.at(i);
            for (qsizetype j = i + 1; j < regions.size() && regions.at(j).box.left() <= region.box.right();
                 ++j) {
                if (!absorbed[size_t(j)] && region.box.intersects(regions.at(j).box)) {
                    region.box |= regions.at(j).box;
                    region.pixels += regions.at(j).pixels;
                    absorbed[size_t(j)] = true;
                    joined = true;
                }
            }
            next.append(region);
        }
        regions = std::move(next);
    }
    std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) {
        return std::pair(a.box.top(), a.box.left()) < std::pair(b.box.top(), b.box.left());
    });
    return regions;
}

} // namespace

ChangeGrid::ChangeGrid(QSize canvas, int cellSize)
    : cellSize_(std::clamp(cellSize, 1, MaxCellSize))
    , columns_((canvas.width() + cellSize_ - 1) / cellSize_)
    , rows_((canvas.height() + cellSize_ - 1) / cellSize_)
{}

void ChangeGrid::addRun(int y, int left, int right)
{
    if (cells_.empty()) // identical captures, the common case, never pay for the grid
        cells_.resize(size_t(columns_) * size_t(rows_));
    Cell* row = cells_.data() + size_t(y / cellSize_) * size_t(columns_);
    for (int column = left / cellSize_; column <= right / cellSize_; ++column) {
        Cell& cell = row[column];
        const int from = std::max(left, column * cellSize_);
        const int to = std::min(right, column * cellSize_ + cellSize_ - 1);
        if (cell.pixels == 0) {
            cell = {from, y, to, y, 0};
        } else {
            cell.left = std::min(cell.left, from);
            cell.right = std::max(cell.right, to);
            cell.top = std::min(cell.top, y);
            cell.bottom = std::max(cell.bottom, y);
        }
        cell.pixels += to - from + 1;
    }
}

// For each cell, the first cell of its group (by index); cells without changes point to themselves.
std::vector<int> ChangeGrid::connectedCells() const
{
    std::vector<int> parent(cells_.size());
    std::iota(parent.begin(), parent.end(), 0);
    const auto changed = [this](int column, int row) {
        return column >= 0 && column < columns_ && row >= 0 &&
               cells_[size_t(row) * size_t(columns_) + size_t(column)].pixels > 0;
    };
    for (int row = 0; row < rows_; ++row) {
        for (int column = 0; column < columns_; ++column) {
            if (!changed(column, row))
                continue;
            const int index = row * columns_ + column;
            for (const auto& [dx, dy] : VisitedNeighbours) {
                if (changed(column + dx, row + dy))
                    unite(parent, index, (row + dy) * columns_ + column + dx);
            }
        }
    }
    for (size_t i = 0; i < parent.size(); ++i)
        parent[i] = findRoot(parent, int(i));
    return parent;
}

QRect ChangeGrid::cellRect(size_t index) const
{
    const int column = int(index % size_t(columns_));
    const int row = int(index / size_t(columns_));
    return {column * cellSize_, row * cellSize_, cellSize_, cellSize_};
}

ChangeGrid::Grouping ChangeGrid::group(int minRegionPixels) const
{
    if (cells_.empty())
        return {};
    // Cells are visited in index order and a group's root is its lowest cell, so the root comes
    // first: it takes the next group number, and every later cell of the group reads it there.
    std::vector<int> groupOf = connectedCells();
    QList<Region> groups;
    for (size_t i = 0; i < cells_.size(); ++i) {
        const Cell& cell = cells_[i];
        if (cell.pixels == 0)
            continue;
        groupOf[i] = size_t(groupOf[i]) == i ? int(groups.size()) : groupOf[size_t(groupOf[i])];
        if (groupOf[i] == groups.size())
            groups.append(Region{});
        Region& region = groups[groupOf[i]];
        const QRect box(QPoint(cell.left, cell.top), QPoint(cell.right, cell.bottom));
        region.box = region.pixels == 0 ? box : region.box | box;
        region.pixels += cell.pixels;
    }
    Grouping grouping;
    for (size_t i = 0; i < cells_.size(); ++i) {
        if (cells_[i].pixels > 0 && groups.at(groupOf[i]).pixels < minRegionPixels)
            grouping.droppedCells.append(cellRect(i));
    }
    groups.removeIf([minRegionPixels](const Region& region) { return region.pixels < minRegionPixels; });
    grouping.kept = joinOverlapping(std::move(groups));
    return grouping;
}

} // namespace forge::ui
