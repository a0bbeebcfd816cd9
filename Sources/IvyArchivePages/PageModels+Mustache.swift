import Mustache

// Every template value answers its fields by name (`MustacheParent`), so rendering never
// reflects (`Mirror` made a year of pages take minutes). A field missing here renders empty:
// ArchivePagesTests render every template with every field.

extension PageLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": self.href
        case "label": self.label
        default: nil
        }
    }
}

extension LegendItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "type": self.type
        case "state": self.state
        case "label": self.label
        default: nil
        }
    }
}

extension IndexPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "assets": self.assets
        case "facts": self.facts
        case "cameras": self.cameras
        case "footer": self.footer
        case "empty": self.empty
        default: nil
        }
    }
}

extension CameraCard: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "mac": self.mac
        case "zone": self.zone
        case "href": self.href
        case "facts": self.facts
        case "thumb": self.thumb
        case "recent": self.recent
        case "more": self.more
        default: nil
        }
    }
}

extension CameraPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "assets": self.assets
        case "root": self.root
        case "name": self.name
        case "mac": self.mac
        case "zone": self.zone
        case "facts": self.facts
        case "month": self.month
        case "daysTitle": self.daysTitle
        case "days": self.days
        case "hasMonths": self.hasMonths
        case "months": self.months
        case "legend": self.legend
        case "footer": self.footer
        default: nil
        }
    }
}

extension MonthRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": self.label
        case "href": self.href
        case "facts": self.facts
        case "warnings": self.warnings
        default: nil
        }
    }
}

extension DayRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "date": self.date
        case "href": self.href
        case "pieces": self.pieces
        case "facts": self.facts
        case "warnings": self.warnings
        default: nil
        }
    }
}

extension DayPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "assets": self.assets
        case "root": self.root
        case "name": self.name
        case "mac": self.mac
        case "date": self.date
        case "zone": self.zone
        case "facts": self.facts
        case "previous": self.previous
        case "next": self.next
        case "ticks": self.ticks
        case "pieces": self.pieces
        case "legend": self.legend
        case "clips": self.clips
        case "footer": self.footer
        default: nil
        }
    }
}

extension ClipCard: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": self.id
        case "start": self.start
        case "end": self.end
        case "startClock": self.startClock
        case "endClock": self.endClock
        case "type": self.type
        case "typeName": self.typeName
        case "state": self.state
        case "stateName": self.stateName
        case "badge": self.badge
        case "length": self.length
        case "size": self.size
        case "codecs": self.codecs
        case "video": self.video
        case "href": self.href
        case "fileName": self.fileName
        case "thumb": self.thumb
        case "note": self.note
        default: nil
        }
    }
}

extension PageTimeline.Piece: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "left": self.left
        case "width": self.width
        case "type": self.type
        case "state": self.state
        case "lane": self.lane
        case "label": self.label
        case "clip": self.clip
        case "link": self.link
        default: nil
        }
    }
}

extension PageTimeline.Tick: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "left": self.left
        case "label": self.label
        default: nil
        }
    }
}
