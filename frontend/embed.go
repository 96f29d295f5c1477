// Package frontend holds the built web app, embedded in the binary so that
// one file serves both the API and the app it was released with.
//
// The build (npm run build in web/) writes into web/dist. A fresh clone has
// no build, only web/dist/.gitkeep, which the build leaves in place: it
// keeps the embed pattern matching something, so the Go code compiles
// before the app is built. The server then answers app pages with a page
// saying the app was not built.
package frontend

import (
	"embed"
	"io/fs"
)

// "all:" embeds files whose names begin with "." or "_" too; bundlers
// emit such chunk names, and .gitkeep must match when nothing else does.
//
//go:embed all:web/dist
var dist embed.FS

// WebApp returns the built web app, rooted at web/dist: index.html,
// static/... and the other files of the build.
func WebApp() fs.FS {
	sub, err := fs.Sub(dist, "web/dist")
	if err != nil {
		// fs.Sub fails only on an invalid path, and this one is constant.
		panic(err)
	}
	return sub
}
