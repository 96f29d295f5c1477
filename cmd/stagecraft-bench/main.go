// Command stagecraft-bench measures Stagecraft against baselines taken in
// the same run on the same machine, and prints a Markdown report.
//
//	stagecraft-bench upload [-size-mb 500] [-runs 3]
//	stagecraft-bench search [-docs 10000,100000] [-queries 300]
//	stagecraft-bench index [-dir ../shared/testdata/docs] [-rounds 5]
//	stagecraft-bench searchable [-runs 30]
//	stagecraft-bench convert [-dir ../shared/testdata/docs] [-rounds 3] [-runs 10]
//	stagecraft-bench relevance   (recall@3 and MRR of the judged query set, per backend)
//	stagecraft-bench events [-c 32] [-d 10s] [-client-cpus 0 -server-cpus 1] [-profile cpu.pprof]
//	stagecraft-bench linkopen [-n 3000] [-c 8]
//	stagecraft-bench analytics [-deals 200000] [-events 10000000] [-assets 2000] [-keep] [-queries 30]
//
// upload streams a file through POST /api/v1/assets of a real server
// process, for each storage backend, and compares the throughput with
// copying the same file by `cp` (local) or with minio-go directly (s3). It
// also reports the server's peak RSS during each upload.
//
// Environment: BENCH_DATABASE_URL (a database it may write to), and for
// the s3 backend TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY, TEST_S3_SECRET_KEY
// (make bench starts a MinIO and sets them).
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stagecraft-bench upload [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "upload":
		err = benchUpload(os.Args[2:])
	case "search":
		err = benchSearch(os.Args[2:])
	case "index":
		err = benchIndex(os.Args[2:])
	case "searchable":
		err = benchSearchable(os.Args[2:])
	case "convert":
		err = benchConvert(os.Args[2:])
	case "relevance":
		err = benchRelevance(os.Args[2:])
	case "events":
		err = benchEvents(os.Args[2:])
	case "linkopen":
		err = benchLinkOpen(os.Args[2:])
	case "analytics":
		err = benchAnalytics(os.Args[2:])
	case "noop-server": // the baseline server of "events", run as a child
		err = noopServer(os.Args[2])
	default:
		err = fmt.Errorf("unknown benchmark %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stagecraft-bench:", err)
		os.Exit(1)
	}
}
