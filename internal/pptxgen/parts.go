package pptxgen

import (
	"fmt"
	"strings"
)

// The fixed parts of a presentation: package relationships, the
// presentation's properties, one theme, one master and two layouts. They
// are kept minimal but complete, since PowerPoint refuses a package that
// lacks a required element even where LibreOffice does not.

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const namespaces = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
	`xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`

// groupProps open every shape tree: the tree's own (empty) group.
const groupProps = `<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
	`<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`

const (
	relNS      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	pmlType    = "application/vnd.openxmlformats-officedocument.presentationml."
	relsHeader = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
)

func rel(id, typ, target string) string {
	return fmt.Sprintf(`<Relationship Id="%s" Type="%s/%s" Target="%s"/>`, id, relNS, typ, target)
}

func contentTypes(slides int) string {
	var b strings.Builder
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/ppt/presentation.xml" ContentType="` + pmlType + `presentation.main+xml"/>` +
		`<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="` + pmlType + `slideMaster+xml"/>` +
		`<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="` + pmlType + `slideLayout+xml"/>` +
		`<Override PartName="/ppt/slideLayouts/slideLayout2.xml" ContentType="` + pmlType + `slideLayout+xml"/>` +
		`<Override PartName="/ppt/presProps.xml" ContentType="` + pmlType + `presProps+xml"/>` +
		`<Override PartName="/ppt/viewProps.xml" ContentType="` + pmlType + `viewProps+xml"/>` +
		`<Override PartName="/ppt/tableStyles.xml" ContentType="` + pmlType + `tableStyles+xml"/>` +
		`<Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>`)
	for i := 1; i <= slides; i++ {
		fmt.Fprintf(&b, `<Override PartName="/ppt/slides/slide%d.xml" ContentType="%sslide+xml"/>`, i, pmlType)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

var rootRels = relsHeader +
	rel("rId1", "officeDocument", "ppt/presentation.xml") +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	rel("rId3", "extended-properties", "docProps/app.xml") +
	`</Relationships>`

// Relationship ids of presentation.xml: the master, the theme and the
// property parts first, then one per slide from rId10.
const firstSlideRel = 10

func presentationRels(slides int) string {
	var b strings.Builder
	b.WriteString(relsHeader +
		rel("rId1", "slideMaster", "slideMasters/slideMaster1.xml") +
		rel("rId2", "theme", "theme/theme1.xml") +
		rel("rId3", "presProps", "presProps.xml") +
		rel("rId4", "viewProps", "viewProps.xml") +
		rel("rId5", "tableStyles", "tableStyles.xml"))
	for i := range slides {
		b.WriteString(rel(fmt.Sprintf("rId%d", firstSlideRel+i), "slide", fmt.Sprintf("slides/slide%d.xml", i+1)))
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func presentationXML(slides int) string {
	var b strings.Builder
	b.WriteString(`<p:presentation ` + namespaces + ` saveSubsetFonts="1">` +
		`<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>`)
	for i := range slides {
		fmt.Fprintf(&b, `<p:sldId id="%d" r:id="rId%d"/>`, firstSlID+i, firstSlideRel+i)
	}
	fmt.Fprintf(&b, `</p:sldIdLst><p:sldSz cx="%d" cy="%d"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`, slideCX, slideCY)
	return b.String()
}

func slideRels(l Layout) string {
	return relsHeader + rel("rId1", "slideLayout", fmt.Sprintf("../slideLayouts/slideLayout%d.xml", int(l)+1)) + `</Relationships>`
}

const presProps = `<p:presentationPr ` + namespaces + `/>`

const viewProps = `<p:viewPr ` + namespaces + `><p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>` +
	`<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`

const tableStyles = `<a:tblStyleLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`

var masterRels = relsHeader +
	rel("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml") +
	rel("rId2", "slideLayout", "../slideLayouts/slideLayout2.xml") +
	rel("rId3", "theme", "../theme/theme1.xml") +
	`</Relationships>`

var layoutRels = relsHeader + rel("rId1", "slideMaster", "../slideMasters/slideMaster1.xml") + `</Relationships>`

// placeholder is an empty placeholder shape of a master or layout.
func placeholder(id int, name, ph string, b Box) string {
	return fmt.Sprintf(`<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>%s</p:nvPr></p:nvSpPr>`+
		`<p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>`+
		`<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>`,
		id, name, ph, emu(b.X), emu(b.Y), emu(b.W), emu(b.H))
}

var (
	titleBox = Box{48, 28, 864, 72}
	bodyBox  = Box{48, 120, 864, 370}
)

func layoutXML(l Layout) string {
	typ, name, shapes := "titleOnly", "Title Only", placeholder(2, "Title 1", `<p:ph type="title"/>`, titleBox)
	if l == TitleSlide {
		typ, name = "title", "Title Slide"
		shapes = placeholder(2, "Title 1", `<p:ph type="ctrTitle"/>`, Box{72, 160, 816, 120}) +
			placeholder(3, "Subtitle 2", `<p:ph type="subTitle" idx="1"/>`, Box{72, 290, 816, 80})
	}
	return `<p:sldLayout ` + namespaces + ` type="` + typ + `" preserve="1"><p:cSld name="` + name + `"><p:spTree>` +
		groupProps + shapes + `</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`
}

// level1 is a master text style's first level: size in hundredths of a
// point, the theme font (+mj-lt major, +mn-lt minor) and colour.
func level1(sz int, font, color, bullet string) string {
	return fmt.Sprintf(`<a:lvl1pPr marL="0" algn="l">%s<a:defRPr sz="%d" kern="1200"><a:solidFill><a:schemeClr val="%s"/></a:solidFill>`+
		`<a:latin typeface="%s"/><a:ea typeface="%s"/><a:cs typeface="%s"/></a:defRPr></a:lvl1pPr>`, bullet, sz, color, font, font, font)
}

var masterXML = `<p:sldMaster ` + namespaces + `><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>` +
	groupProps +
	placeholder(2, "Title Placeholder 1", `<p:ph type="title"/>`, titleBox) +
	placeholder(3, "Text Placeholder 2", `<p:ph type="body" idx="1"/>`, bodyBox) +
	`</p:spTree></p:cSld>` +
	`<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" ` +
	`accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>` +
	`<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/><p:sldLayoutId id="2147483650" r:id="rId2"/></p:sldLayoutIdLst>` +
	`<p:txStyles>` +
	`<p:titleStyle>` + level1(4000, "+mj-lt", "tx1", `<a:buNone/>`) + `</p:titleStyle>` +
	`<p:bodyStyle>` + level1(2000, "+mn-lt", "tx1", `<a:buFont typeface="Arial"/><a:buChar char="•"/>`) + `</p:bodyStyle>` +
	`<p:otherStyle>` + level1(1800, "+mn-lt", "tx1", "") + `</p:otherStyle>` +
	`</p:txStyles></p:sldMaster>`

// themeXML is an Office-style theme: colours, Calibri for headings and
// body (LibreOffice renders it with the metric-compatible Carlito), and
// the three-entry style lists every theme must have.
const themeXML = `<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Stagecraft"><a:themeElements>` +
	`<a:clrScheme name="Stagecraft">` +
	`<a:dk1><a:srgbClr val="1F2937"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>` +
	`<a:dk2><a:srgbClr val="0B1F44"/></a:dk2><a:lt2><a:srgbClr val="F3F5F9"/></a:lt2>` +
	`<a:accent1><a:srgbClr val="2F6FED"/></a:accent1><a:accent2><a:srgbClr val="14B8A6"/></a:accent2>` +
	`<a:accent3><a:srgbClr val="F59E0B"/></a:accent3><a:accent4><a:srgbClr val="8B5CF6"/></a:accent4>` +
	`<a:accent5><a:srgbClr val="E5484D"/></a:accent5><a:accent6><a:srgbClr val="6B7280"/></a:accent6>` +
	`<a:hlink><a:srgbClr val="2F6FED"/></a:hlink><a:folHlink><a:srgbClr val="8B5CF6"/></a:folHlink>` +
	`</a:clrScheme>` +
	`<a:fontScheme name="Stagecraft">` +
	`<a:majorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>` +
	`<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>` +
	`</a:fontScheme>` +
	`<a:fmtScheme name="Stagecraft">` +
	`<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>` +
	`<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>` +
	`<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>` +
	`<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>` +
	`<a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>` +
	`<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>` +
	`<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>` +
	`<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>` +
	`<a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst>` +
	`</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`
