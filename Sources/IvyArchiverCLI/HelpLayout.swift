/// Help as a reader wants it: a command's own options first, the options every command shares
/// after them. ArgumentParser prints titled groups (our "GLOBAL OPTIONS") before the untitled
/// "OPTIONS", so the two sections swap places here, in the printed text only.
enum HelpLayout {
    static func globalOptionsLast(_ help: String) -> String {
        var blocks = help.components(separatedBy: "\n\n")
        guard let global = blocks.firstIndex(where: { $0.hasPrefix("GLOBAL OPTIONS:") }),
              let own = blocks.firstIndex(where: { $0.hasPrefix("OPTIONS:") }), global < own else { return help }
        let moved = blocks.remove(at: global)
        blocks.insert(moved, at: own)
        return blocks.joined(separator: "\n\n")
    }
}
