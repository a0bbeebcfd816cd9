import Mustache

/// The pages' Mustache templates (https://mustache.github.io/mustache.5.html): HTML only,
/// every value escaped by `{{ }}`. Kept in the binary, so an installed tool needs no files
/// beside it.
enum PageTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in [("head", head), ("bar", bar), ("legend", legend), ("index", index), ("camera", camera), ("day", day)] {
            try library.register(text, named: name)
        }
        return library
    }

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="IvyArchiver">
        <title>{{title}}</title>
        <link rel="stylesheet" href="{{assets}}/archive.css">
        </head>
        """

    /// A day's bar; `ticks` only on a day's own page.
    static let bar = """
        <div class="bar" role="img" aria-label="{{date}}: recordings over 24 hours">
        {{#ticks}}<span class="tick" style="left:{{left}}%">{{label}}</span>{{/ticks}}
        {{#pieces}}<a class="piece lane-{{lane}} t-{{type}} s-{{state}}" style="left:{{left}}%;width:{{width}}%" title="{{label}}"{{#link}} href="{{link}}"{{/link}}{{#clip}} data-clip="{{clip}}"{{/clip}}></a>{{/pieces}}
        </div>
        """

    static let legend = """
        <ul class="legend">{{#legend}}<li><span class="swatch t-{{type}} s-{{state}}"></span>{{label}}</li>{{/legend}}</ul>
        """

    static let index = """
        {{> head}}
        <body class="index-page">
        <header><h1>{{title}}</h1><p class="facts">{{facts}}</p></header>
        <main>
        {{#empty}}<p class="empty">No clips yet: the next backup fills this page.</p>{{/empty}}
        {{#cameras}}
        <section class="camera-card">
        <a class="camera-thumb" href="{{href}}">{{#thumb}}<img src="{{thumb}}" alt="">{{/thumb}}{{^thumb}}<span class="no-thumb">no picture</span>{{/thumb}}</a>
        <div class="camera-text">
        <h2><a href="{{href}}">{{name}}</a></h2>
        <p class="facts">{{mac}} · {{zone}} · {{facts}}</p>
        <ol class="days">
        {{#recent}}<li class="day-row"><a class="date" href="{{href}}">{{date}}</a>{{> bar}}<span class="day-facts">{{facts}}{{#warnings}} <strong class="warn">{{warnings}}</strong>{{/warnings}}</span></li>
        {{/recent}}
        </ol>
        {{#more}}<p><a href="{{href}}">{{more}}</a></p>{{/more}}
        </div>
        </section>
        {{/cameras}}
        </main>
        <footer>{{footer}}</footer>
        </body>
        </html>
        """

    /// A camera's page (its last days and its months) and a month's page (its days).
    static let camera = """
        {{> head}}
        <body class="camera-page">
        <header><nav><a href="{{root}}/index.html">Archive</a> › {{#month}}<a href="index.html">{{name}}</a> › {{month}}{{/month}}{{^month}}{{name}}{{/month}}</nav>
        <h1>{{name}}{{#month}} <small>{{month}}</small>{{/month}}</h1><p class="facts">{{mac}} · {{zone}} · {{facts}}</p></header>
        <main>
        {{> legend}}
        {{#daysTitle}}<h2>{{daysTitle}}</h2>{{/daysTitle}}
        <ol class="days">
        {{#days}}<li class="day-row"><a class="date" href="{{href}}">{{date}}</a>{{> bar}}<span class="day-facts">{{facts}}{{#warnings}} <strong class="warn">{{warnings}}</strong>{{/warnings}}</span></li>
        {{/days}}
        </ol>
        {{#hasMonths}}<h2>Months</h2>
        <ol class="months">
        {{#months}}<li><a class="date" href="{{href}}">{{label}}</a> <span class="day-facts">{{facts}}{{#warnings}} <strong class="warn">{{warnings}}</strong>{{/warnings}}</span></li>
        {{/months}}
        </ol>{{/hasMonths}}
        </main>
        <footer>{{footer}}</footer>
        </body>
        </html>
        """

    static let day = """
        {{> head}}
        <body class="day-page">
        <header><nav><a href="{{root}}/index.html">Archive</a> › <a href="index.html">{{name}}</a> › {{date}}</nav>
        <h1>{{name}} <small>{{date}}</small></h1>
        <p class="facts">{{mac}} · {{zone}} · {{facts}}</p>
        <nav class="pager">{{#previous}}<a rel="prev" href="{{href}}">‹ {{label}}</a>{{/previous}}{{#next}}<a rel="next" href="{{href}}">{{label}} ›</a>{{/next}}</nav>
        </header>
        <main>
        <section id="player" class="player" hidden>
        <p class="player-title"></p>
        <video controls playsinline preload="metadata"></video>
        <p class="player-note" hidden></p>
        </section>
        <section class="timeline">{{> bar}}{{> legend}}</section>
        <ol class="clips">
        {{#clips}}<li class="clip t-{{type}} s-{{state}}" id="clip-{{id}}" data-start="{{start}}" data-end="{{end}}" data-type="{{typeName}}" data-state="{{state}}" data-video="{{video}}"{{#href}} data-file="{{href}}"{{/href}}>
        <button class="thumb" type="button" aria-label="play {{startClock}} {{typeName}}">{{#thumb}}<img src="{{thumb}}" alt="" width="320" height="180" decoding="async">{{/thumb}}{{^thumb}}<span class="no-thumb">{{stateName}}</span>{{/thumb}}</button>
        <p class="clip-text"><time datetime="{{start}}">{{startClock}}</time>–<time datetime="{{end}}">{{endClock}}</time> <span class="type t-{{type}}">{{typeName}}</span> {{#badge}}<span class="state s-{{state}}">{{badge}}</span>{{/badge}}<br>{{length}}{{#size}} · {{size}}{{/size}}{{#codecs}} · {{codecs}}{{/codecs}}{{#note}}<br><span class="note s-{{state}}">{{note}}</span>{{/note}}{{#href}}<br><a class="file" href="{{href}}">{{fileName}}</a>{{/href}}</p>
        </li>
        {{/clips}}
        </ol>
        </main>
        <footer>{{footer}}</footer>
        <script src="{{assets}}/archive.js"></script>
        </body>
        </html>
        """
}
